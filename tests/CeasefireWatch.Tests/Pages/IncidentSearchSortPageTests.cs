using System.Net;
using System.Text.RegularExpressions;
using CeasefireWatch.Tests.Infrastructure;
using CeasefireWatch.Web.Infrastructure.Security;
using static CeasefireWatch.Tests.Pages.PageForms;

namespace CeasefireWatch.Tests.Pages;

/// <summary>The incident list's free-text search and sortable columns (page only: the API keeps CONTRACT.md's parameters).</summary>
public sealed partial class IncidentSearchSortPageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<int> LogAsync(CeasefireWatchFactory app, string title, string oblast, string location, string description, double hoursAgo)
    {
        var incident = await app.LogIncidentAsync(app.CreateApiClient(), app.Now.AddHours(-hoursAgo), b =>
        {
            b["title"] = title;
            b["oblast"] = oblast;
            b["location"] = location;
            b["description"] = description;
        });
        return incident.Id;
    }

    [Fact]
    public async Task Search_finds_the_text_in_the_reference_title_place_or_description_whatever_its_case()
    {
        await using var app = new CeasefireWatchFactory();
        var vovchansk = await LogAsync(app, "Shelling of Vovchansk", "Kharkiv", "Вовчанськ", "Artillery on the outskirts.", 5);
        var nikopol = await LogAsync(app, "Drone strike", "Dnipropetrovsk", "Nikopol", "Strike on the ferry pier.", 4);
        var odesa = await LogAsync(app, "Missile strike on the port", "Odesa", "Odesa", "Grain terminal hit; 50% of berths closed.", 3);
        var viewer = await app.SignedInAsRoleAsync(Roles.Viewer);

        async Task<int[]> SearchAsync(string q) => Listed(await viewer.GetHtmlAsync($"/Incidents?q={Uri.EscapeDataString(q)}"));

        Assert.Equal([vovchansk], await SearchAsync("vovchansk"));            // title, any case
        Assert.Equal([vovchansk], await SearchAsync("вовчанськ"));            // place, Cyrillic in lower case
        Assert.Equal([nikopol], await SearchAsync("ferry"));                 // description
        Assert.Equal([odesa], await SearchAsync("odesa"));                   // oblast and place
        Assert.Equal([nikopol], await SearchAsync($"CW-{nikopol:D5}"));      // reference
        Assert.Equal([odesa], await SearchAsync("50%"));                     // % is text, not a wildcard
        Assert.Equal([odesa, nikopol], await SearchAsync("strike"));         // newest first violation first by default
        Assert.Empty(await SearchAsync("Zhytomyr"));
        var none = await viewer.GetHtmlAsync("/Incidents?q=Zhytomyr");
        Assert.Equal("Zhytomyr", Shown(none, "q"));                          // the box keeps the search
    }

    [Fact]
    public async Task Each_column_sorts_both_ways_and_its_links_keep_the_search_and_filters()
    {
        await using var app = new CeasefireWatchFactory();
        var b = await LogAsync(app, "Bravo", "Sumy", "Sumy", "x", 50);   // tier 2
        var a = await LogAsync(app, "Alpha", "Kharkiv", "Izium", "x", 2);
        var c = await LogAsync(app, "Charlie", "Odesa", "Odesa", "x", 10);
        var viewer = await app.SignedInAsRoleAsync(Roles.Viewer);

        Assert.Equal([a, b, c], Listed(await viewer.GetHtmlAsync("/Incidents?sort=title")));
        Assert.Equal([c, b, a], Listed(await viewer.GetHtmlAsync("/Incidents?sort=-title")));
        Assert.Equal([b, a, c], Listed(await viewer.GetHtmlAsync("/Incidents?sort=reference")));
        Assert.Equal([b, c, a], Listed(await viewer.GetHtmlAsync("/Incidents?sort=occurred")));
        Assert.Equal([a, c, b], Listed(await viewer.GetHtmlAsync("/Incidents?sort=-occurred")));
        Assert.Equal([a, c, b], Listed(await viewer.GetHtmlAsync("/Incidents?sort=stage")));

        var html = await viewer.GetHtmlAsync("/Incidents?q=a&status=Active&sort=title");
        // The sorted column says so to assistive technology, and its link turns the order round.
        Assert.Matches("<th scope=\"col\" aria-sort=\"ascending\" data-sort-key=\"title\">", html);
        var titleLink = WebUtility.HtmlDecode(HeaderLink().Matches(html).Single(m => m.Groups["key"].Value == "title").Groups["href"].Value);
        Assert.Equal("/Incidents?q=a&status=Active&sort=-title", titleLink);
        var oblastLink = WebUtility.HtmlDecode(HeaderLink().Matches(html).Single(m => m.Groups["key"].Value == "oblast").Groups["href"].Value);
        Assert.Equal("/Incidents?q=a&status=Active&sort=oblast", oblastLink);
    }

    [Fact]
    public async Task A_column_that_does_not_sort_or_an_overlong_search_is_a_message_not_a_failure()
    {
        await using var app = new CeasefireWatchFactory();
        var viewer = await app.SignedInAsRoleAsync(Roles.Viewer);

        using var badSort = await viewer.GetAsync(new Uri("/Incidents?sort=password", UriKind.Relative), Ct);
        using var longSearch = await viewer.GetAsync(new Uri($"/Incidents?q={new string('x', 201)}", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.OK, badSort.StatusCode);
        Assert.Contains("'password' is not a column to sort by.", Summary(await badSort.HtmlAsync()), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, longSearch.StatusCode);
        Assert.Contains("Keep the search to 200 characters.", Summary(await longSearch.HtmlAsync()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_day_filters_read_day_month_year_in_Kyiv_time_by_default()
    {
        await using var app = new CeasefireWatchFactory(); // now: 2026-02-04 06:00Z = 08:00 in Kyiv
        var lateEvening = await LogAsync(app, "Late evening", "Sumy", "Sumy", "x", 7.5);  // 2026-02-03 22:30Z = 04.02 00:30 Kyiv
        var viewer = await app.SignedInAsRoleAsync(Roles.Viewer);

        Assert.Equal([lateEvening], Listed(await viewer.GetHtmlAsync("/Incidents?from=04.02.2026")));
        Assert.Empty(Listed(await viewer.GetHtmlAsync("/Incidents?to=03.02.2026")));

        using var notADay = await viewer.GetAsync(new Uri("/Incidents?from=02/30/2026", UriKind.Relative), Ct);
        Assert.Contains("'02/30/2026' is not a day", Summary(await notADay.HtmlAsync()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_API_list_keeps_the_contract_parameters_and_ignores_the_pages_search()
    {
        await using var app = new CeasefireWatchFactory();
        await LogAsync(app, "Alpha", "Sumy", "Sumy", "x", 1);
        await LogAsync(app, "Bravo", "Sumy", "Sumy", "x", 2);

        var page = await CeasefireWatchFactory.ListIncidentsAsync(app.CreateApiClient(), "q=Alpha&sort=title");

        Assert.Equal(2, page.Total);
    }

    [Fact]
    public async Task The_exports_of_a_searched_or_overdue_only_list_hold_exactly_the_listed_incidents()
    {
        // Found from outside: the export links dropped the search text and "overdue only", and the exports took neither,
        // so exporting the 101 incidents a search listed gave all 17,514.
        await using var app = new CeasefireWatchFactory();
        var old = await LogAsync(app, "Strike on the bridge", "Sumy", "Sumy", "x", 10);
        var other = await LogAsync(app, "Shelling", "Odesa", "Odesa", "x", 12);
        app.Clock.Advance(TimeSpan.FromHours(7));                                            // their tier-1 items: overdue
        var fresh = await LogAsync(app, "Strike on the depot", "Kharkiv", "Izium", "x", 2);  // just logged: not yet
        var viewer = await app.SignedInAsRoleAsync(Roles.Viewer);

        foreach (var (list, expected) in new[]
        {
            ("/Incidents?q=strike", new[] { old, fresh }),
            ("/Incidents?overdue=true", new[] { old, other }),
            ("/Incidents?q=strike&overdue=true", new[] { old }),
        })
        {
            var html = await viewer.GetHtmlAsync(list);
            Assert.Equal(expected.Order(), Listed(html).Order());
            foreach (var kind in new[] { "incidents", "timelines", "incidents-excel", "timelines-excel" })
            {
                var href = System.Net.WebUtility.HtmlDecode(ExportLink().Matches(html).Single(m => m.Groups["kind"].Value == kind).Groups["href"].Value);
                var csv = await viewer.GetStringAsync(href, Ct);
                var exported = CsvIds().Matches(csv).Select(m => m.Groups["id"].Value).Distinct().Select(int.Parse).Order();
                Assert.True(expected.Order().SequenceEqual(exported), $"{list}: the {kind} export {href} held {string.Join(", ", exported)}");
            }
        }

        // The API's exports take the same two filters as the list, and refuse a bad one like any other.
        using var bad = await app.CreateApiClient().GetAsync("/api/timeline.csv?overdue=sometimes", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    private static int[] Listed(string html) =>
        [.. IncidentRow().Matches(html).Select(m => int.Parse(m.Groups["id"].Value, System.Globalization.CultureInfo.InvariantCulture))];

    [GeneratedRegex("href=\"(?<href>[^\"]+)\" download data-export=\"(?<kind>[a-z-]+)\"")]
    private static partial Regex ExportLink();

    /// <summary>A reference in either export: the incidents file's <c>reference</c> and the timeline's <c>incident_reference</c>.</summary>
    [GeneratedRegex("CW-(?<id>[0-9]{5})")]
    private static partial Regex CsvIds();

    [GeneratedRegex("<tr data-incident-id=\"(?<id>[0-9]+)\"")]
    private static partial Regex IncidentRow();

    [GeneratedRegex("data-sort-key=\"(?<key>[a-z]+)\">\\s*<a href=\"(?<href>[^\"]+)\"")]
    private static partial Regex HeaderLink();
}
