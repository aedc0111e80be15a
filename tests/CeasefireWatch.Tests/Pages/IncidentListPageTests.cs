using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using CeasefireWatch.Tests.Infrastructure;
using CeasefireWatch.Web.Infrastructure.Security;
using static CeasefireWatch.Tests.Pages.PageForms;

namespace CeasefireWatch.Tests.Pages;

/// <summary>/Incidents: each filter shows exactly the incidents it matches, paging with <c>p</c> keeps the filters, bad values are messages.</summary>
public sealed partial class IncidentListPageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DateTime At(string utc) => DateTime.Parse(utc, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);

    /// <summary>The ids of the rows listed, in the order shown.</summary>
    private static int[] Listed(string html) =>
        [.. IncidentRow().Matches(html).Select(m => int.Parse(m.Groups["id"].Value, CultureInfo.InvariantCulture))];

    private static async Task<int> LogAsync(CeasefireWatchFactory app, HttpClient api, string occurredAt, string oblast, bool resolve = false)
    {
        var id = (await app.LogIncidentAsync(api, new DateTimeOffset(At(occurredAt)), b => b["oblast"] = oblast)).Id;
        if (resolve)
        {
            using var response = await api.PostAsJsonAsync($"/api/incidents/{id}/resolve", new { }, Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        return id;
    }

    [Fact]
    public async Task Each_filter_lists_exactly_the_matching_incidents_newest_first()
    {
        await using var app = new CeasefireWatchFactory(); // now: 2026-02-04 06:00Z
        var api = app.CreateApiClient();
        var a = await LogAsync(app, api, "2026-01-31T10:00:00Z", "Kharkiv");               // 92 h: tier 3, active
        var b = await LogAsync(app, api, "2026-02-03T12:00:00Z", "Odesa");                 // 18 h: tier 1, active
        var c = await LogAsync(app, api, "2026-02-03T01:00:00Z", "Kharkiv", resolve: true); // 29 h: tier 2, resolved
        var d = await LogAsync(app, api, "2026-01-20T00:00:00Z", "Sumy", resolve: true);    // tier 3, resolved
        var viewer = await app.SignedInAsRoleAsync(Roles.Viewer);

        async Task<int[]> ListAsync(string query)
        {
            var html = await viewer.GetHtmlAsync($"/Incidents{query}");
            Assert.True(Summary(html).Length == 0, $"{query}: {Summary(html)}");
            var ids = Listed(html);
            Assert.Contains($"{ids.Length} incident{(ids.Length == 1 ? "" : "s")}", html, StringComparison.Ordinal);
            return ids;
        }

        Assert.Equal([b, c, a, d], await ListAsync(""));
        Assert.Equal([b, a], await ListAsync("?status=Active"));
        Assert.Equal([c, d], await ListAsync("?status=Resolved"));
        Assert.Equal([b], await ListAsync("?stage=UkrainianForces"));
        Assert.Equal([c], await ListAsync("?stage=Coalition"));
        Assert.Equal([a, d], await ListAsync("?stage=UsBackstop"));
        Assert.Equal([c, a], await ListAsync("?oblast=Kharkiv"));
        Assert.Equal([b, c], await ListAsync("?from=2026-02-03"));
        Assert.Equal([a, d], await ListAsync("?to=2026-02-02"));
        Assert.Equal([a], await ListAsync("?from=2026-01-31&to=2026-01-31"));
        Assert.Equal([c], await ListAsync("?from=2026-02-03&to=2026-02-03&status=Resolved"));
        Assert.Equal([a], await ListAsync("?status=Active&oblast=Kharkiv"));
        Assert.Empty(await ListAsync("?oblast=Lviv"));
        Assert.Contains("No incident matches this search and these filters.", await viewer.GetHtmlAsync("/Incidents?oblast=Lviv"), StringComparison.Ordinal);

        // The form shows the filters in force.
        var filtered = await viewer.GetHtmlAsync("/Incidents?status=Resolved&oblast=Kharkiv&from=2026-02-03");
        Assert.Equal("Resolved", Shown(filtered, "status"));
        Assert.Equal("Kharkiv", Shown(filtered, "oblast"));
        Assert.Equal("2026-02-03", Shown(filtered, "from"));
    }

    [Fact]
    public async Task Paging_with_p_shows_25_a_page_and_the_next_link_keeps_the_filters()
    {
        await using var app = new CeasefireWatchFactory();
        var api = app.CreateApiClient();
        var start = At("2026-02-02T00:00:00Z");
        var volyn = new List<int>();
        for (var n = 0; n < 27; n++)
        {
            volyn.Add((await app.LogIncidentAsync(api, new DateTimeOffset(start.AddMinutes(n * 10)), b => b["oblast"] = "Volyn")).Id);
        }

        await LogAsync(app, api, "2026-02-02T01:05:00Z", "Lviv");
        var newestFirst = Enumerable.Reverse(volyn).ToArray();
        var viewer = await app.SignedInAsRoleAsync(Roles.Viewer);

        var first = await viewer.GetHtmlAsync("/Incidents?oblast=Volyn");
        Assert.Equal(newestFirst[..25], Listed(first));
        Assert.Contains("Page 1 of 2", first, StringComparison.Ordinal);
        Assert.DoesNotContain("← Previous", first, StringComparison.Ordinal);
        var next = WebUtility.HtmlDecode(NextLink().Match(first).Groups["href"].Value);
        Assert.Equal("/Incidents?oblast=Volyn&p=2", next);

        var second = await viewer.GetHtmlAsync(next);
        Assert.Equal(newestFirst[25..], Listed(second));
        Assert.Contains("Page 2 of 2", second, StringComparison.Ordinal);
        Assert.Contains("← Previous", second, StringComparison.Ordinal);
        Assert.DoesNotContain("Next →", second, StringComparison.Ordinal);

        var all = await viewer.GetHtmlAsync("/Incidents?p=2");
        Assert.Equal(3, Listed(all).Length); // 28 in all: 25 + 3
    }

    [Fact]
    public async Task A_page_out_of_range_redirects_to_the_nearest_page_that_exists_keeping_the_filters()
    {
        await using var app = new CeasefireWatchFactory();
        var api = app.CreateApiClient();
        var start = At("2026-02-02T00:00:00Z");
        for (var n = 0; n < 26; n++)
        {
            await app.LogIncidentAsync(api, new DateTimeOffset(start.AddMinutes(n * 10)), b => b["oblast"] = "Volyn");
        }

        var viewer = await app.SignedInAsRoleAsync(Roles.Viewer);

        async Task<string?> RedirectOf(string query)
        {
            using var response = await viewer.GetAsync(new Uri($"/Incidents?{query}", UriKind.Relative), Ct);
            Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{query}: {(int)response.StatusCode}");
            return response.Headers.Location?.OriginalString;
        }

        // Beyond the last page: the last page (26 incidents: page 2 holds one), with the filters and the sort kept.
        Assert.Equal("/Incidents?oblast=Volyn&sort=title&p=2", await RedirectOf("oblast=Volyn&sort=title&p=9999"));
        Assert.Equal("/Incidents?oblast=Volyn&p=2", await RedirectOf("oblast=Volyn&p=3"));
        Assert.Equal("/Incidents?oblast=Volyn&p=2", await RedirectOf("oblast=Volyn&p=99999999999"));
        // Before the first: the first, which the address leaves unnumbered.
        Assert.Equal("/Incidents?oblast=Volyn", await RedirectOf("oblast=Volyn&p=0"));
        Assert.Equal("/Incidents?oblast=Volyn", await RedirectOf("oblast=Volyn&p=-5"));
        // Nothing matches: the one (empty) page there is.
        Assert.Equal("/Incidents?oblast=Lviv", await RedirectOf("oblast=Lviv&p=2"));

        // Where it lands, the count, the rows and the pager agree.
        var last = await viewer.GetHtmlAsync("/Incidents?oblast=Volyn&p=2");
        Assert.Contains("26 incidents", last, StringComparison.Ordinal);
        Assert.Single(Listed(last));
        Assert.Contains("Page 2 of 2", last, StringComparison.Ordinal);
        Assert.Contains("← Previous", last, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("status=Bogus", "'Bogus' is not a status; use Active or Resolved or Dismissed or Merged.")]
    [InlineData("status=1", "'1' is not a status")]
    [InlineData("stage=Tier9", "'Tier9' is not a stage")]
    [InlineData("stage=Active", "'Active' is not a stage")]
    [InlineData("oblast=Atlantis", "'Atlantis' is not one of Ukraine's regions.")]
    [InlineData("from=yesterday", "'yesterday'")]
    [InlineData("to=2026-13-01", "'2026-13-01'")]
    [InlineData("from=2026-02-03&to=2026-02-01", "'to' must not be before 'from'.")]
    [InlineData("p=two", "'two'")]
    public async Task A_bad_filter_value_is_a_message_on_the_page_not_an_error(string query, string expected)
    {
        await using var app = new CeasefireWatchFactory();
        await app.LogIncidentAsync(app.CreateApiClient(), app.Now.AddHours(-1));
        var viewer = await app.SignedInAsRoleAsync(Roles.Viewer);

        using var response = await viewer.GetAsync(new Uri($"/Incidents?{query}", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.HtmlAsync();
        Assert.Contains(expected, Summary(html), StringComparison.Ordinal);
        Assert.Empty(Listed(html));
    }

    [GeneratedRegex("<tr data-incident-id=\"(?<id>[0-9]+)\"")]
    private static partial Regex IncidentRow();

    [GeneratedRegex("<a href=\"(?<href>[^\"]+)\">Next →</a>")]
    private static partial Regex NextLink();
}
