using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using CeasefireWatch.Tests.Infrastructure;
using CeasefireWatch.Web.Domain;
using CeasefireWatch.Web.Features.Dashboard;
using CeasefireWatch.Web.Infrastructure.Security;

namespace CeasefireWatch.Tests.Pages;

/// <summary>The dashboard at /: active incidents only, most urgent next deadline first, each card with its countdown.</summary>
public sealed partial class DashboardPageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Iso(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    [Fact]
    public async Task Active_incidents_are_listed_by_next_deadline_with_their_stage_and_countdown_and_resolved_ones_are_not()
    {
        await using var app = new CeasefireWatchFactory();
        var api = app.CreateApiClient();
        var now = app.Now;
        async Task<IncidentResponse> LogAsync(double hoursAgo) => await app.LogIncidentAsync(api, now.AddHours(-hoursAgo));

        var tier2 = await LogAsync(30);     // tier 3 due in 42 h
        var fresh = await LogAsync(2);      // tier 2 due in 22 h
        var top = await LogAsync(80);       // tier 3 reached: no next deadline, last
        var resolved = await LogAsync(10);  // would be due in 14 h, but resolved
        var urgent = await LogAsync(23);    // tier 2 due in 1 h: first
        using (var response = await api.PostAsJsonAsync($"/api/incidents/{resolved.Id}/resolve", new { }, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var viewer = await app.SignedInAsRoleAsync(Roles.Viewer);
        var html = await viewer.GetHtmlAsync("/");

        var cards = Card().Matches(html).Select(m => (
            Id: int.Parse(m.Groups["id"].Value, CultureInfo.InvariantCulture),
            Stage: m.Groups["stage"].Value,
            Body: m.Groups["body"].Value)).ToList();
        Assert.Equal([urgent.Id, fresh.Id, tier2.Id, top.Id], cards.Select(c => c.Id));
        Assert.DoesNotContain(cards, c => c.Id == resolved.Id);
        Assert.Equal(
            [nameof(Stage.UkrainianForces), nameof(Stage.UkrainianForces), nameof(Stage.Coalition), nameof(Stage.UsBackstop)],
            cards.Select(c => c.Stage));
        foreach (var (card, incident) in cards.Zip(new[] { urgent, fresh, tier2, top }))
        {
            var countdown = Countdown().Match(card.Body);
            Assert.True(countdown.Success, $"card {card.Id} has no data-countdown element");
            Assert.Equal(incident.NextStageAt is { } due ? Iso(due) : string.Empty, countdown.Groups["due"].Value);
        }

        Assert.Equal(now.UtcDateTime.AddHours(1), urgent.NextStageAt);
        Assert.Null(top.NextStageAt);
    }

    [Fact]
    public async Task With_nothing_active_the_dashboard_says_so()
    {
        await using var app = new CeasefireWatchFactory();
        var api = app.CreateApiClient();
        var only = await app.LogIncidentAsync(api, app.Now.AddHours(-1));
        using (var response = await api.PostAsJsonAsync($"/api/incidents/{only.Id}/resolve", new { }, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var html = await (await app.SignedInAsRoleAsync(Roles.Viewer)).GetHtmlAsync("/");

        Assert.Empty(Card().Matches(html));
        Assert.Contains("No active incidents.", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Past_the_card_limit_the_most_urgent_are_shown_and_the_rest_counted_and_a_new_incident_counts_at_once()
    {
        await using var app = new CeasefireWatchFactory();
        var api = app.CreateApiClient();
        var logged = new List<IncidentResponse>();
        for (var i = 0; i < GetDashboard.MaxCards + 3; i++)
        {
            // Deadlines 22 h, 21.9 h … ahead: the later logged, the more urgent.
            logged.Add(await app.LogIncidentAsync(api, app.Now.AddHours(-2 - (i / 10.0))));
        }

        var viewer = await app.SignedInAsRoleAsync(Roles.Viewer);
        var html = await viewer.GetHtmlAsync("/");

        var shown = Card().Matches(html).Select(m => int.Parse(m.Groups["id"].Value, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(logged.AsEnumerable().Reverse().Take(GetDashboard.MaxCards).Select(i => i.Id), shown);
        Assert.Equal("3", MoreActive().Match(html).Groups["more"].Value);
        Assert.Contains("href=\"/Incidents?status=Active\"", html, StringComparison.Ordinal);

        // The counts are shared between renders, but a committed change is counted by the very next one.
        await app.LogIncidentAsync(api, app.Now.AddHours(-1));
        Assert.Equal("4", MoreActive().Match(await viewer.GetHtmlAsync("/")).Groups["more"].Value);
        Assert.Equal("4", MoreActive().Match(await viewer.GetHtmlAsync("/Wall")).Groups["more"].Value);
    }

    [GeneratedRegex("data-more-active=\"(?<more>[0-9]+)\"")]
    private static partial Regex MoreActive();

    [GeneratedRegex("<li class=\"card[^\"]*\" data-incident-id=\"(?<id>[0-9]+)\" data-stage=\"(?<stage>[A-Za-z]+)\">(?<body>.*?)</li>", RegexOptions.Singleline)]
    private static partial Regex Card();

    [GeneratedRegex("class=\"countdown\" data-countdown(?: data-due=\"(?<due>[^\"]*)\")?>")]
    private static partial Regex Countdown();
}
