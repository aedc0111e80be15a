namespace CeasefireWatch.Web.Infrastructure.Localization;

/// <summary>The words site.js and import.js write into pages (countdowns, connection state, alerts, upload progress), in the reader's language.</summary>
public static class UiText
{
    private static readonly string[] ScriptWords =
    [
        "due", "Live", "Connection lost — reconnecting…", "Disconnected — retrying…", "Cannot reach the server — retrying…",
        "Tier alerts", "Alert sound: on", "Alert sound: off", "Desktop alerts", "Dismiss", "Dismiss the alert for {0}",
        "entered {0}", "{0} entered {1}", "Copied", "Copy failed: select the key and copy it by hand", "Kyiv",
        "Showing {0}–{1} of {2}", "{0}d {1}", "{0}d {1}h {2}m",
        // import.js
        "Uploading…", "Checking and importing…", "Done.", "The file is too large to import at once; split it.",
        "The import failed (HTTP {0}). Nothing was imported.", "The connection failed. Nothing was imported unless the page says so.",
    ];

    /// <summary>The keys handed to scripts (a test checks that every tr("...") in wwwroot/js is among them).</summary>
    internal static IReadOnlyList<string> Keys => ScriptWords;

    public static Dictionary<string, string> ForScripts() =>
        ScriptWords.ToDictionary(w => w, Text.Get, StringComparer.Ordinal);
}

/// <summary>
/// A region's name for the reader: the contract's English name, or in Ukrainian the official name from the seeds
/// (regions.json). The value sent in forms, URLs, JSON and CSV is always the English name.
/// </summary>
public static class OblastNames
{
    private static readonly Lazy<Dictionary<string, string>> Ukrainian = new(() =>
        Data.SeedData.Read<List<Data.Region>>("regions.json").ToDictionary(r => r.Name, r => r.NameUk, StringComparer.OrdinalIgnoreCase));

    public static string Label(string? name) =>
        name is null ? string.Empty
        : UiCultures.IsUkrainian && Ukrainian.Value.TryGetValue(name, out var uk) ? uk
        : name;

    /// <summary>
    /// The shorter name a map label has room for: in Ukrainian the oblast's adjective alone ("Волинська", as maps of
    /// Ukraine print it) and "АР Крим", the usual abbreviation of the autonomous republic; in English the name itself.
    /// </summary>
    public static string MapLabel(string name)
    {
        const string Oblast = " область";
        var label = Label(name);
        return label.EndsWith(Oblast, StringComparison.Ordinal)
            ? label[..^Oblast.Length]
            : label.Replace("Автономна Республіка ", "АР ", StringComparison.Ordinal);
    }
}

/// <summary>A region's kind (regions.json) as a person reads it: the key of its text in the UI resources.</summary>
public static class RegionKinds
{
    public static string Label(string kind) => kind switch
    {
        "oblast" => "region",
        "city" => "city with special status",
        "autonomous-republic" => "autonomous republic",
        _ => kind,
    };
}

/// <summary>
/// A coalition member's country for the reader: its Ukrainian name from the UI resources (keyed by the English name,
/// as every UI text is). The roster, the forms' values, JSON and CSV keep the English name; a member an administrator
/// adds under a name the resources do not know reads as typed.
/// </summary>
public static class CountryNames
{
    public static string Label(string country) => Text.Get(country);
}

/// <summary>Casualty counts as pages show them: a number, or "unknown" when no report gave one (never a 0 or a dash).</summary>
public static class Casualties
{
    public static string Show(int? count) =>
        count is { } n ? n.ToString(System.Globalization.CultureInfo.InvariantCulture) : Text.Get("unknown");
}

/// <summary>Who did something, for a person: the engine by its role rather than its contract name.</summary>
public static class Actors
{
    public static string Show(string? actor) =>
        actor == Domain.Incident.EngineActor ? Text.Get("the escalation engine") : actor ?? string.Empty;
}
