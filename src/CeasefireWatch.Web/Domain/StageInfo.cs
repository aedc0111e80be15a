namespace CeasefireWatch.Web.Domain;

/// <summary>What each tier means to a person reading a screen or an export.</summary>
public static class StageInfo
{
    public static int Number(this Stage stage) => (int)stage;

    public static string Label(this Stage stage) => stage switch
    {
        Stage.UkrainianForces => "Tier 1 · Ukrainian forces",
        Stage.Coalition => "Tier 2 · Coalition of the Willing",
        Stage.UsBackstop => "Tier 3 · US backstop",
        _ => stage.ToString(),
    };

    public static string Responder(this Stage stage) => stage switch
    {
        Stage.UkrainianForces =>
            "Ukrainian armed forces act to stop the violation; a diplomatic warning is issued at the same time.",
        Stage.Coalition =>
            "Hostilities continue: forces of the Coalition of the Willing, led by the UK and France, respond.",
        Stage.UsBackstop =>
            "Larger-scale attack: a Western-led joint military response including US forces, the backstop of the European-led force.",
        _ => string.Empty,
    };

    public static Stage? Next(this Stage stage) => stage == Stage.UsBackstop ? null : stage + 1;

    public static IReadOnlyList<Stage> All { get; } = Enum.GetValues<Stage>();
}
