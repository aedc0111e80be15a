using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using CeasefireWatch.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CeasefireWatch.Tests.Pages;

/// <summary>What the page tests read from rendered forms and from the database.</summary>
internal static partial class PageForms
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A datetime-local value as a browser sends it: minutes, no zone.</summary>
    public static string Local(DateTime wallClock) =>
        wallClock.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);

    /// <summary>The fields of the log form, all valid, prefixed with <paramref name="prefix"/> ("Input" or "FollowUp").</summary>
    public static Dictionary<string, string> ReportFields(string prefix, DateTime occurredAtUtc) => new()
    {
        [$"{prefix}.OccurredAt"] = Local(occurredAtUtc),
        [$"{prefix}.OccurredAtZone"] = "Utc",
        [$"{prefix}.Oblast"] = "Zaporizhzhia",
        [$"{prefix}.Location"] = "Гуляйполе",
        [$"{prefix}.Latitude"] = "47.6647",
        [$"{prefix}.Longitude"] = "36.2631",
        [$"{prefix}.ViolationType"] = "Shelling",
        [$"{prefix}.Severity"] = "Serious",
        [$"{prefix}.SourceType"] = "MonitoringDrone",
        [$"{prefix}.Killed"] = "0",
        [$"{prefix}.Wounded"] = "2",
        [$"{prefix}.Description"] = "Artillery fire on the eastern outskirts.",
    };

    /// <summary>A valid log form: title plus report fields.</summary>
    public static Dictionary<string, string> NewIncident(DateTime occurredAtUtc, string title = "Shelling of Huliaipole")
    {
        var fields = ReportFields("Input", occurredAtUtc);
        fields["Input.Title"] = title;
        return fields;
    }

    public static (string Name, string Value)[] AsFields(this Dictionary<string, string> fields) =>
        [.. fields.Select(f => (f.Key, f.Value))];

    /// <summary>The id in a redirect to <c>/Incidents/{id}</c>, failing unless the answer is exactly that redirect.</summary>
    public static async Task<int> RedirectedIncidentIdAsync(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.Redirect,
            $"Expected a redirect, got {(int)response.StatusCode}: {Errors(await response.HtmlAsync())}");
        var match = Regex.Match(response.Headers.Location?.OriginalString ?? string.Empty, "^/Incidents/(?<id>[0-9]+)$");
        Assert.True(match.Success, $"Redirected to {response.Headers.Location}");
        return int.Parse(match.Groups["id"].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>Every non-empty validation message on a page (for failure output).</summary>
    public static string Errors(string html) =>
        string.Join(" | ", ValidationMessage().Matches(html).Select(m => WebUtility.HtmlDecode(m.Groups["text"].Value)).Where(t => t.Length > 0));

    /// <summary>The text of the page-level error summaries (list items inside <c>div.errors</c>, each maybe a link to its field).</summary>
    public static string Summary(string html) =>
        string.Join(" | ", SummaryBlock().Matches(html)
            .SelectMany(m => SummaryItem().Matches(m.Value))
            .Select(i => WebUtility.HtmlDecode(Regex.Replace(i.Groups["text"].Value, "<[^>]+>", string.Empty)))
            .Where(t => t.Length > 0));

    /// <summary>
    /// What a form control named <paramref name="name"/> shows: an input's value, a textarea's text, or the
    /// selected option of a select; null when there is no such control or nothing is selected.
    /// </summary>
    public static string? Shown(string html, string name)
    {
        var escaped = Regex.Escape(name);
        var input = Regex.Match(html, $"<input[^>]*\\bname=\"{escaped}\"[^>]*>");
        if (input.Success && input.Value.Contains("type=\"radio\"", StringComparison.Ordinal))
        {
            // A radio group (the time zone): the value of the one checked.
            var checkedRadio = Regex.Matches(html, $"<input[^>]*\\bname=\"{escaped}\"[^>]*>")
                .Select(m => m.Value).FirstOrDefault(r => Regex.IsMatch(r, "\\bchecked\\b"));
            return checkedRadio is null ? null : WebUtility.HtmlDecode(Regex.Match(checkedRadio, "\\bvalue=\"(?<v>[^\"]*)\"").Groups["v"].Value);
        }

        if (input.Success)
        {
            var value = Regex.Match(input.Value, "\\bvalue=\"(?<v>[^\"]*)\"");
            return value.Success ? WebUtility.HtmlDecode(value.Groups["v"].Value) : string.Empty;
        }

        var textarea = Regex.Match(html, $"<textarea[^>]*\\bname=\"{escaped}\"[^>]*>(?<v>[^<]*)</textarea>");
        if (textarea.Success)
        {
            return WebUtility.HtmlDecode(textarea.Groups["v"].Value).Trim('\r', '\n');
        }

        var select = Regex.Match(html, $"<select[^>]*\\bname=\"{escaped}\"[^>]*>(?<options>.*?)</select>", RegexOptions.Singleline);
        if (select.Success)
        {
            var selected = Regex.Matches(select.Groups["options"].Value, "<option[^>]*>")
                .Select(o => o.Value)
                .FirstOrDefault(o => o.Contains("selected", StringComparison.Ordinal));
            return selected is null ? null : WebUtility.HtmlDecode(Regex.Match(selected, "value=\"(?<v>[^\"]*)\"").Groups["v"].Value);
        }

        return null;
    }

    /// <summary>Whether <paramref name="name"/> is a choice among fixed values: a select or a radio group.</summary>
    public static bool IsSelect(string html, string name) =>
        Regex.IsMatch(html, $"<select[^>]*\\bname=\"{Regex.Escape(name)}\"")
        || Regex.IsMatch(html, $"<input[^>]*type=\"radio\"[^>]*\\bname=\"{Regex.Escape(name)}\"");

    /// <summary>Whether a select (or a radio group) named <paramref name="name"/> offers <paramref name="value"/>.</summary>
    public static bool Offers(string html, string name, string value)
    {
        if (Regex.IsMatch(html, $"<input[^>]*type=\"radio\"[^>]*\\bname=\"{Regex.Escape(name)}\"[^>]*\\bvalue=\"{Regex.Escape(WebUtility.HtmlEncode(value))}\""))
        {
            return true;
        }

        var select = Regex.Match(html, $"<select[^>]*\\bname=\"{Regex.Escape(name)}\"[^>]*>(?<options>.*?)</select>", RegexOptions.Singleline);
        return select.Success && select.Groups["options"].Value.Contains($"value=\"{WebUtility.HtmlEncode(value)}\"", StringComparison.Ordinal);
    }

    /// <summary>The timeline of an incident page, oldest first: each entry's kind, stage and decoded text.</summary>
    public static IReadOnlyList<(string Kind, string Stage, string Text)> Timeline(string html) =>
        [.. TimelineEntry().Matches(html).Select(m => (
            m.Groups["kind"].Value,
            m.Groups["stage"].Value,
            WebUtility.HtmlDecode(Regex.Replace(m.Groups["body"].Value, "<[^>]+>", " "))))];

    /// <summary>Counts of everything an incident form could write.</summary>
    public sealed record Counts(int Incidents, int Reports, int TimelineEntries);

    public static Task<Counts> CountsAsync(this CeasefireWatchFactory app) => app.WithDbAsync(async db => new Counts(
        await db.Incidents.CountAsync(Ct), await db.Reports.CountAsync(Ct), await db.TimelineEntries.CountAsync(Ct)));

    /// <summary>An incident's optimistic-concurrency version and the number of its timeline entries.</summary>
    public static Task<(int Version, int Entries)> StateOfAsync(this CeasefireWatchFactory app, int id) => app.WithDbAsync(async db => (
        await db.Incidents.Where(i => i.Id == id).Select(i => i.Version).SingleAsync(Ct),
        await db.TimelineEntries.CountAsync(e => e.IncidentId == id, Ct)));

    [GeneratedRegex("data-valmsg-for=\"[^\"]*\"[^>]*>(?<text>[^<]*)</span>")]
    private static partial Regex ValidationMessage();

    [GeneratedRegex("<div class=\"errors[^\"]*\"[^>]*>.*?</div>", RegexOptions.Singleline)]
    private static partial Regex SummaryBlock();

    [GeneratedRegex("<li>(?<text>.*?)</li>", RegexOptions.Singleline)]
    private static partial Regex SummaryItem();

    [GeneratedRegex("<li class=\"entry[^\"]*\" data-kind=\"(?<kind>[^\"]+)\" data-stage=\"(?<stage>[^\"]+)\">(?<body>.*?)</li>", RegexOptions.Singleline)]
    private static partial Regex TimelineEntry();
}
