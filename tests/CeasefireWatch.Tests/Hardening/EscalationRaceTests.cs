using System.Net;
using System.Net.Http.Json;
using CeasefireWatch.Tests.Infrastructure;
using CeasefireWatch.Web.Domain;

namespace CeasefireWatch.Tests.Hardening;

/// <summary>
/// Found from outside: a supervisor's single "escalate" sent as the engine entered tier 2 landed in tier 3 (93 of 150),
/// and two supervisors pressing it together did the same (87 of 100). Escalation names the tier it enters; when that
/// tier is already entered the answer is 409 and nothing changes.
/// </summary>
public sealed class EscalationRaceTests
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Escalating_to_the_tier_the_engine_has_just_entered_is_a_409_that_changes_nothing()
    {
        await using var app = new CeasefireWatchFactory();
        var api = app.CreateApiClient();
        var incident = await app.LogIncidentAsync(api);
        app.Clock.Advance(Day);
        await app.WaitForEngineRunAsync(app.Now.UtcDateTime);
        var entered = await CeasefireWatchFactory.GetIncidentAsync(api, incident.Id);
        Assert.Equal(Stage.Coalition, entered.Stage);

        using var response = await api.PostAsJsonAsync($"/api/incidents/{incident.Id}/escalate", new { reason = "Shelling continues.", toStage = "Coalition" }, Ct);

        await Problems.AssertProblemAsync(response, HttpStatusCode.Conflict);
        var after = await CeasefireWatchFactory.GetIncidentAsync(api, incident.Id);
        Assert.Equal(Stage.Coalition, after.Stage);
        Assert.Equal(entered.Entries.Count, after.Entries.Count);
    }

    [Fact]
    public async Task Escalating_to_a_tier_that_fell_due_but_is_not_yet_recorded_is_a_409_the_tier_is_the_clocks_to_enter()
    {
        await using var app = new CeasefireWatchFactory();
        var api = app.CreateApiClient();
        var incident = await app.LogIncidentAsync(api);
        await app.Engine.StopAsync(Ct);   // the engine is behind: the tier is due but not recorded
        app.Clock.Advance(Day + TimeSpan.FromSeconds(1));

        using var response = await api.PostAsJsonAsync($"/api/incidents/{incident.Id}/escalate", new { reason = "Shelling continues.", toStage = "Coalition" }, Ct);

        await Problems.AssertProblemAsync(response, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Two_supervisors_escalating_to_the_same_tier_at_once_enter_it_once_and_never_reach_tier_3()
    {
        await using var app = new CeasefireWatchFactory();
        var api = app.CreateApiClient();
        for (var trial = 0; trial < 10; trial++)
        {
            var incident = await app.LogIncidentAsync(api);
            var presses = Enumerable.Range(0, 2).Select(_ => api.PostAsJsonAsync(
                $"/api/incidents/{incident.Id}/escalate", new { reason = "Larger attack.", toStage = "Coalition" }, Ct));
            var answers = await Task.WhenAll(presses);

            Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
            Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Conflict);
            var after = await CeasefireWatchFactory.GetIncidentAsync(api, incident.Id);
            Assert.Equal(Stage.Coalition, after.Stage);
            Assert.Equal([Stage.UkrainianForces, Stage.Coalition], after.StagesEntered.Select(e => e.Stage));
        }
    }

    [Fact]
    public async Task An_escalation_without_a_named_tier_sent_many_times_at_once_moves_the_incident_one_tier_once()
    {
        // Found from outside: 20 identical calls without toStage (an older client, or one retrying) carried an incident
        // from tier 1 to tier 3: the one that lost the race retried on fresh data and took "the next tier" again.
        await using var app = new CeasefireWatchFactory();
        var api = app.CreateApiClient();
        for (var trial = 0; trial < 3; trial++)
        {
            var incident = await app.LogIncidentAsync(api);
            var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => api.PostAsJsonAsync(
                $"/api/incidents/{incident.Id}/escalate", new { reason = "Shelling continues." }, Ct)));

            Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
            Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.OK), a => Assert.Equal(HttpStatusCode.Conflict, a.StatusCode));
            var after = await CeasefireWatchFactory.GetIncidentAsync(api, incident.Id);
            Assert.Equal([Stage.UkrainianForces, Stage.Coalition], after.StagesEntered.Select(e => e.Stage));
            foreach (var answer in answers)
            {
                answer.Dispose();
            }
        }

        // One call alone still means "the next tier".
        var single = await app.LogIncidentAsync(api);
        using var next = await api.PostAsJsonAsync($"/api/incidents/{single.Id}/escalate", new { reason = "Shelling continues." }, Ct);
        Assert.Equal(Stage.Coalition, (await CeasefireWatchFactory.ReadAsync<IncidentResponse>(next, HttpStatusCode.OK)).Stage);
    }

    [Fact]
    public async Task Escalating_straight_to_the_us_backstop_enters_every_tier_passed_over_at_the_same_instant()
    {
        await using var app = new CeasefireWatchFactory();
        var api = app.CreateApiClient();
        var incident = await app.LogIncidentAsync(api);

        using var response = await api.PostAsJsonAsync($"/api/incidents/{incident.Id}/escalate", new { reason = "Larger-scale attack.", toStage = "UsBackstop" }, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var after = await CeasefireWatchFactory.GetIncidentAsync(api, incident.Id);
        Assert.Equal(Stage.UsBackstop, after.Stage);
        Assert.Null(after.NextStageAt);
        var early = after.StagesEntered.Where(e => e.Stage > Stage.UkrainianForces).ToList();
        Assert.Equal([Stage.Coalition, Stage.UsBackstop], early.Select(e => e.Stage));
        Assert.All(early, e => Assert.Equal(app.Now.UtcDateTime, e.DueAt));
        Assert.All(early, e => Assert.Equal("bootstrap", e.Actor));
    }

    [Fact]
    public async Task Without_a_named_tier_escalation_keeps_its_meaning_of_the_next_tier()
    {
        await using var app = new CeasefireWatchFactory();
        var api = app.CreateApiClient();
        var incident = await app.LogIncidentAsync(api);

        using var response = await api.PostAsJsonAsync($"/api/incidents/{incident.Id}/escalate", new { reason = "Continuing." }, Ct);

        var after = await CeasefireWatchFactory.ReadAsync<IncidentResponse>(response, HttpStatusCode.OK);
        Assert.Equal(Stage.Coalition, after.Stage);
    }

    [Fact]
    public async Task An_unknown_tier_name_is_a_400_naming_the_field()
    {
        await using var app = new CeasefireWatchFactory();
        var api = app.CreateApiClient();
        var incident = await app.LogIncidentAsync(api);

        using var response = await api.PostAsJsonAsync($"/api/incidents/{incident.Id}/escalate", new { reason = "Continuing.", toStage = "Tier9" }, Ct);

        await Problems.AssertValidationProblemAsync(response, "toStage");
    }

    [Fact]
    public async Task The_page_button_names_the_tier_and_a_second_click_of_it_changes_nothing()
    {
        await using var app = new CeasefireWatchFactory();
        var incident = await app.LogIncidentAsync(app.CreateApiClient());
        var supervisor = await app.SignedInAsRoleAsync(Web.Infrastructure.Security.Roles.Supervisor);
        var html = await supervisor.GetHtmlAsync($"/Incidents/{incident.Id}");
        Assert.Contains("name=\"Escalate.ToStage\" value=\"Coalition\"", html, StringComparison.Ordinal);
        Assert.Contains("Escalate to Tier 2 · Coalition of the Willing", WebUtility.HtmlDecode(html), StringComparison.Ordinal);
        var token = Browser.Token(html);

        // The same form, sent twice (a double click, or a page left open).
        for (var click = 0; click < 2; click++)
        {
            using var form = new FormUrlEncodedContent([new("Escalate.Reason", "Heavy shelling."), new("Escalate.ToStage", "Coalition"), new("__RequestVerificationToken", token)]);
            using var response = await supervisor.PostAsync(new Uri($"/Incidents/{incident.Id}?handler=Escalate", UriKind.Relative), form, Ct);
            if (click == 1)
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Contains("has already entered Tier 2", WebUtility.HtmlDecode(await response.HtmlAsync()), StringComparison.Ordinal);
            }
        }

        var after = await CeasefireWatchFactory.GetIncidentAsync(app.CreateApiClient(), incident.Id);
        Assert.Equal(Stage.Coalition, after.Stage);
    }
}
