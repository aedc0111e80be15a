namespace CeasefireWatch.Web.Domain;

/// <summary>
/// The canonical English names of Ukraine's regions, exactly as CONTRACT.md spells them.
/// Input is matched case-insensitively and stored in this canonical form.
/// </summary>
public static class Oblasts
{
    public static IReadOnlyList<string> All { get; } =
    [
        "Cherkasy", "Chernihiv", "Chernivtsi", "Crimea", "Dnipropetrovsk", "Donetsk",
        "Ivano-Frankivsk", "Kharkiv", "Kherson", "Khmelnytskyi", "Kirovohrad",
        "Kyiv", "Kyiv City", "Luhansk", "Lviv", "Mykolaiv", "Odesa", "Poltava",
        "Rivne", "Sevastopol", "Sumy", "Ternopil", "Vinnytsia", "Volyn",
        "Zakarpattia", "Zaporizhzhia", "Zhytomyr",
    ];

    private static readonly Dictionary<string, string> ByName =
        All.ToDictionary(name => name, name => name, StringComparer.OrdinalIgnoreCase);

    /// <summary>The canonical spelling of <paramref name="name"/>, or null when it is not a region.</summary>
    public static string? Canonical(string? name) =>
        name is not null && ByName.TryGetValue(name.Trim(), out var canonical) ? canonical : null;
}
