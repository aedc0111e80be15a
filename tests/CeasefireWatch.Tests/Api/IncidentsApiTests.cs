using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CeasefireWatch.Tests.Infrastructure;
using CeasefireWatch.Web.Domain;
using static CeasefireWatch.Tests.Infrastructure.CeasefireWatchFactory;
using static CeasefireWatch.Tests.Infrastructure.Problems;

namespace CeasefireWatch.Tests.Api;

/// <summary>
/// The incident calls of CONTRACT.md's JSON API. One app per class; every test makes its own incidents and
/// looks only at them, so the order the tests run in does not matter.
/// </summary>
public sealed class IncidentsApiTests(CeasefireWatchFactory factory) : IClassFixture<CeasefireWatchFactory>
{
    private static readonly TimeSpan Day = TimeSpan.FromHours(24);
    private static readonly TimeSpan ThreeDays = TimeSpan.FromHours(72);

    private readonly HttpClient client = factory.CreateApiClient();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private DateTime Now => factory.Now.UtcDateTime;

    /// <summary>How the API writes a whole-second UTC instant.</summary>
    private static string Z(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private Task<HttpResponseMessage> PostAsync(string path, object? body) =>
        body is null
            ? client.PostAsync(path, content: null, Ct)
            : client.PostAsJsonAsync(path, body, Json, Ct);

    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return json.RootElement.Clone();
    }

    [Fact]
    public async Task Post_logs_an_incident_201_with_a_location_and_the_contract_names_as_strings()
    {
        var occurredAt = factory.Now.AddHours(-1).ToOffset(TimeSpan.FromHours(2));

        using var response = await factory.PostIncidentAsync(client, occurredAt, body =>
        {
            body["oblast"] = "zaporizhzhia";
            body["violationType"] = "DroneStrike";
            body["severity"] = "Major";
            body["sourceType"] = "GroundSensor";
        });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var json = await ReadJsonAsync(response);
        var id = json.GetProperty("id").GetInt32();
        Assert.Equal($"/api/incidents/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal(Incident.FormatReference(id), json.GetProperty("reference").GetString());
        Assert.Equal("Shelling of Huliaipole", json.GetProperty("title").GetString());
        Assert.Equal("Active", json.GetProperty("status").GetString());
        Assert.Equal("UkrainianForces", json.GetProperty("stage").GetString());
        Assert.Equal("Zaporizhzhia", json.GetProperty("oblast").GetString());
        Assert.Equal("Гуляйполе", json.GetProperty("location").GetString());
        Assert.Equal("DroneStrike", json.GetProperty("violationType").GetString());
        Assert.Equal("Major", json.GetProperty("severity").GetString());
        Assert.Equal("GroundSensor", json.GetProperty("sourceType").GetString());
        Assert.Equal(Z(occurredAt.UtcDateTime), json.GetProperty("occurredAt").GetString());
        Assert.Equal(Z(occurredAt.UtcDateTime + Day), json.GetProperty("nextStageAt").GetString());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("ceasedAt").ValueKind);

        var fetched = await GetIncidentAsync(client, id);
        Assert.Equal(occurredAt.UtcDateTime, fetched.OccurredAt);
    }

    [Fact]
    public async Task The_location_header_leads_to_the_incident()
    {
        using var response = await factory.PostIncidentAsync(client);
        var created = await ReadAsync<IncidentResponse>(response, HttpStatusCode.Created);

        using var fetched = await client.GetAsync(response.Headers.Location, Ct);

        var incident = await ReadAsync<IncidentResponse>(fetched, HttpStatusCode.OK);
        Assert.Equal(created.Id, incident.Id);
        Assert.Equal(created.Reference, incident.Reference);
    }

    [Fact]
    public async Task Get_by_id_returns_the_timeline_with_kinds_actors_and_due_instants()
    {
        var logged = await factory.LogIncidentAsync(client, factory.Now.AddMinutes(-10));

        using var response = await client.GetAsync($"/api/incidents/{logged.Id}", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await ReadJsonAsync(response);
        var timeline = json.GetProperty("timeline").EnumerateArray().ToList();
        Assert.Equal(2, timeline.Count);
        var reported = timeline[0];
        Assert.Equal("Reported", reported.GetProperty("kind").GetString());
        Assert.Equal("UkrainianForces", reported.GetProperty("stage").GetString());
        Assert.Equal(logged.CreatedBy, reported.GetProperty("actor").GetString());
        Assert.NotEqual(Incident.EngineActor, reported.GetProperty("actor").GetString());
        Assert.Contains("Гуляйполе", reported.GetProperty("details").GetString(), StringComparison.Ordinal);
        Assert.Equal(Z(Now), reported.GetProperty("at").GetString());
        var entered = timeline[1];
        Assert.Equal("StageEntered", entered.GetProperty("kind").GetString());
        Assert.Equal("UkrainianForces", entered.GetProperty("stage").GetString());
        Assert.Equal("escalation-engine", entered.GetProperty("actor").GetString());
        Assert.Equal(Z(Now.AddMinutes(-10)), entered.GetProperty("dueAt").GetString());
        Assert.Equal(Z(Now), entered.GetProperty("at").GetString());
    }

    [Fact]
    public async Task A_report_80_hours_late_shows_all_three_tiers_with_exact_due_instants()
    {
        var t0 = Now - TimeSpan.FromHours(80);

        var logged = await factory.LogIncidentAsync(client, t0);

        Assert.Equal(Stage.UsBackstop, logged.Stage);
        Assert.Null(logged.NextStageAt);
        var incident = await GetIncidentAsync(client, logged.Id);
        Assert.Equal([Stage.UkrainianForces, Stage.Coalition, Stage.UsBackstop], incident.StagesEntered.Select(e => e.Stage));
        Assert.Equal([t0, t0 + Day, t0 + ThreeDays], incident.StagesEntered.Select(e => e.DueAt));
        Assert.All(incident.StagesEntered, e => Assert.Equal(Now, e.At));
        Assert.All(incident.StagesEntered, e => Assert.Equal(Incident.EngineActor, e.Actor));
    }

    [Theory]
    [InlineData("GET", "")]
    [InlineData("POST", "/reports")]
    [InlineData("POST", "/resolve")]
    [InlineData("POST", "/escalate")]
    [InlineData("POST", "/notes")]
    [InlineData("POST", "/diplomatic-warning")]
    public async Task A_missing_incident_is_a_404_problem(string method, string suffix)
    {
        var path = $"/api/incidents/987654{suffix}";
        object body = suffix switch
        {
            "/reports" => ReportBody(factory.Now),
            "/escalate" => new { reason = "Test." },
            "/notes" => new { text = "Test." },
            _ => new { },
        };

        using var response = method == "GET" ? await client.GetAsync(path, Ct) : await PostAsync(path, body);

        var problem = await AssertProblemAsync(response, HttpStatusCode.NotFound);
        Assert.Contains("CW-987654", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public async Task An_id_below_1_is_a_404_that_makes_up_no_reference(int id)
    {
        using var response = await client.GetAsync($"/api/incidents/{id}", Ct);

        var detail = (await AssertProblemAsync(response, HttpStatusCode.NotFound)).GetProperty("detail").GetString();
        Assert.DoesNotContain("CW-", detail, StringComparison.Ordinal);
        Assert.Contains($"id {id}", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_follow_up_report_is_201_and_an_earlier_violation_moves_occurredAt_earlier()
    {
        var logged = await factory.LogIncidentAsync(client, factory.Now.AddHours(-1));
        var earlier = Now - TimeSpan.FromHours(30);

        using var response = await PostAsync($"/api/incidents/{logged.Id}/reports", ReportBody(earlier));

        var updated = await ReadAsync<IncidentResponse>(response, HttpStatusCode.Created);
        Assert.Equal($"/api/incidents/{logged.Id}", response.Headers.Location?.OriginalString);
        Assert.Equal(earlier, updated.OccurredAt);
        Assert.Equal(Stage.Coalition, updated.Stage);
        Assert.Equal(earlier + ThreeDays, updated.NextStageAt);
        var incident = await GetIncidentAsync(client, logged.Id);
        Assert.Single(incident.Entries, e => e.Kind == TimelineKind.FollowUpReport);
        var coalition = Assert.Single(incident.StagesEntered, e => e.Stage == Stage.Coalition);
        Assert.Equal(earlier + Day, coalition.DueAt);
        Assert.Equal(Now, coalition.At);
    }

    [Fact]
    public async Task A_follow_up_report_with_a_later_violation_keeps_occurredAt_and_adds_casualties()
    {
        var t0 = Now - TimeSpan.FromHours(3);
        var logged = await factory.LogIncidentAsync(client, t0);
        var report = ReportBody(Now - TimeSpan.FromHours(1));
        report["killed"] = 3;
        report["wounded"] = 4;
        report["severity"] = "Major";

        using var response = await PostAsync($"/api/incidents/{logged.Id}/reports", report);

        var updated = await ReadAsync<IncidentResponse>(response, HttpStatusCode.Created);
        Assert.Equal(t0, updated.OccurredAt);
        Assert.Equal(t0 + Day, updated.NextStageAt);
        Assert.Equal(Severity.Major, updated.Severity);
        Assert.Equal(3, updated.Killed);
        Assert.Equal(6, updated.Wounded);
    }

    [Fact]
    public async Task An_invalid_follow_up_report_is_a_400_and_stores_nothing()
    {
        var logged = await factory.LogIncidentAsync(client);
        var report = ReportBody(factory.Now);
        report["location"] = "";
        report["severity"] = null;

        using var response = await PostAsync($"/api/incidents/{logged.Id}/reports", report);

        await AssertValidationProblemAsync(response, "location", "severity");
        var incident = await GetIncidentAsync(client, logged.Id);
        Assert.DoesNotContain(incident.Entries, e => e.Kind == TimelineKind.FollowUpReport);
        Assert.Equal(logged.Severity, incident.Severity);
    }

    [Fact]
    public async Task Resolve_defaults_ceasedAt_to_now_and_stops_the_clock()
    {
        var logged = await factory.LogIncidentAsync(client, factory.Now.AddHours(-2));
        var resolvedAt = Now;

        using var response = await PostAsync($"/api/incidents/{logged.Id}/resolve", new { });

        var resolved = await ReadAsync<IncidentResponse>(response, HttpStatusCode.OK);
        Assert.Equal(IncidentStatus.Resolved, resolved.Status);
        Assert.Equal(resolvedAt, resolved.CeasedAt);
        Assert.Null(resolved.NextStageAt);
        Assert.False(string.IsNullOrWhiteSpace(resolved.ResolutionReason));

        // Past every deadline: the hosted engine runs, and the resolved incident stays where it was.
        factory.Clock.Advance(TimeSpan.FromHours(100));
        await factory.WaitForEngineRunAsync(Now);
        var incident = await GetIncidentAsync(client, logged.Id);
        Assert.Equal(Stage.UkrainianForces, incident.Stage);
        Assert.Equal(IncidentStatus.Resolved, incident.Status);
        Assert.Single(incident.StagesEntered);
        Assert.Single(incident.Entries, e => e.Kind == TimelineKind.Resolved);
    }

    [Fact]
    public async Task Resolve_without_a_body_is_accepted_too()
    {
        var logged = await factory.LogIncidentAsync(client);

        using var response = await PostAsync($"/api/incidents/{logged.Id}/resolve", body: null);

        var resolved = await ReadAsync<IncidentResponse>(response, HttpStatusCode.OK);
        Assert.Equal(IncidentStatus.Resolved, resolved.Status);
        Assert.Equal(Now, resolved.CeasedAt);
    }

    [Fact]
    public async Task Resolve_records_the_given_ceasedAt_and_reason()
    {
        var t0 = Now - TimeSpan.FromHours(5);
        var logged = await factory.LogIncidentAsync(client, t0);
        var ceasedAt = t0 + TimeSpan.FromHours(2);

        using var response = await PostAsync(
            $"/api/incidents/{logged.Id}/resolve", new { ceasedAt = Iso(ceasedAt), reason = "Monitors confirm the guns are silent." });

        var resolved = await ReadAsync<IncidentResponse>(response, HttpStatusCode.OK);
        Assert.Equal(ceasedAt, resolved.CeasedAt);
        Assert.Equal("Monitors confirm the guns are silent.", resolved.ResolutionReason);
        var entry = Assert.Single((await GetIncidentAsync(client, logged.Id)).Entries, e => e.Kind == TimelineKind.Resolved);
        Assert.Equal(Now, entry.At);
        Assert.Contains("Monitors confirm the guns are silent.", entry.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resolving_twice_is_a_409_problem()
    {
        var logged = await factory.LogIncidentAsync(client);
        using (var first = await PostAsync($"/api/incidents/{logged.Id}/resolve", new { reason = "Quiet." }))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        using var second = await PostAsync($"/api/incidents/{logged.Id}/resolve", new { reason = "Again." });

        await AssertProblemAsync(second, HttpStatusCode.Conflict);
        var incident = await GetIncidentAsync(client, logged.Id);
        Assert.Equal("Quiet.", incident.ResolutionReason);
        Assert.Single(incident.Entries, e => e.Kind == TimelineKind.Resolved);
    }

    [Fact]
    public async Task Resolving_before_the_first_violation_is_a_400_on_ceasedAt_and_changes_nothing()
    {
        var t0 = Now - TimeSpan.FromHours(2);
        var logged = await factory.LogIncidentAsync(client, t0);

        using var response = await PostAsync(
            $"/api/incidents/{logged.Id}/resolve", new { ceasedAt = Iso(t0 - TimeSpan.FromTicks(1)) });

        await AssertValidationProblemAsync(response, "ceasedAt");
        var incident = await GetIncidentAsync(client, logged.Id);
        Assert.Equal(IncidentStatus.Active, incident.Status);
        Assert.Null(incident.CeasedAt);
    }

    [Fact]
    public async Task Resolving_with_a_ceasedAt_more_than_5_minutes_ahead_is_a_400()
    {
        var logged = await factory.LogIncidentAsync(client);

        using var response = await PostAsync(
            $"/api/incidents/{logged.Id}/resolve", new { ceasedAt = Iso(factory.Now.AddMinutes(5).AddSeconds(1)) });

        await AssertValidationProblemAsync(response, "ceasedAt");
        Assert.Equal(IncidentStatus.Active, (await GetIncidentAsync(client, logged.Id)).Status);
    }

    [Fact]
    public async Task Resolving_with_a_ceasedAt_without_an_offset_is_a_400()
    {
        var logged = await factory.LogIncidentAsync(client, factory.Now.AddHours(-3));

        using var response = await PostAsync($"/api/incidents/{logged.Id}/resolve", new { ceasedAt = "2026-02-04T05:00:00" });

        await AssertValidationProblemAsync(response, "ceasedAt");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Escalating_without_a_reason_is_a_400_on_reason(string? reason)
    {
        var logged = await factory.LogIncidentAsync(client);

        using var response = await PostAsync($"/api/incidents/{logged.Id}/escalate", new { reason });

        await AssertValidationProblemAsync(response, "reason");
        Assert.Equal(Stage.UkrainianForces, (await GetIncidentAsync(client, logged.Id)).Stage);
    }

    [Fact]
    public async Task Escalating_with_a_reason_moves_to_the_next_tier_now_named_after_the_caller()
    {
        var logged = await factory.LogIncidentAsync(client);
        var t0 = logged.OccurredAt;

        using var response = await PostAsync($"/api/incidents/{logged.Id}/escalate", new { reason = "Strike on a crowded market." });

        var escalated = await ReadAsync<IncidentResponse>(response, HttpStatusCode.OK);
        Assert.Equal(Stage.Coalition, escalated.Stage);
        Assert.Equal(t0 + ThreeDays, escalated.NextStageAt);
        var incident = await GetIncidentAsync(client, logged.Id);
        var entered = Assert.Single(incident.StagesEntered, e => e.Stage == Stage.Coalition);
        Assert.Equal(logged.CreatedBy, entered.Actor);
        Assert.NotEqual(Incident.EngineActor, entered.Actor);
        Assert.Contains("Strike on a crowded market.", entered.Details, StringComparison.Ordinal);
        Assert.Equal(Now, entered.DueAt);
        Assert.Equal(Now, entered.At);
    }

    [Fact]
    public async Task Escalating_past_tier_3_is_a_409_problem()
    {
        var logged = await factory.LogIncidentAsync(client, factory.Now.AddHours(-80));

        using var response = await PostAsync($"/api/incidents/{logged.Id}/escalate", new { reason = "Higher?" });

        await AssertProblemAsync(response, HttpStatusCode.Conflict);
        Assert.Equal(3, (await GetIncidentAsync(client, logged.Id)).StagesEntered.Count);
    }

    [Fact]
    public async Task Escalating_a_resolved_incident_is_a_409_problem()
    {
        var logged = await factory.LogIncidentAsync(client);
        using (var resolve = await PostAsync($"/api/incidents/{logged.Id}/resolve", new { }))
        {
            Assert.Equal(HttpStatusCode.OK, resolve.StatusCode);
        }

        using var response = await PostAsync($"/api/incidents/{logged.Id}/escalate", new { reason = "Too late." });

        await AssertProblemAsync(response, HttpStatusCode.Conflict);
        Assert.Equal(Stage.UkrainianForces, (await GetIncidentAsync(client, logged.Id)).Stage);
    }

    [Fact]
    public async Task A_note_is_added_to_the_timeline()
    {
        var logged = await factory.LogIncidentAsync(client);

        using var response = await PostAsync($"/api/incidents/{logged.Id}/notes", new { text = "  Liaison officer called; awaiting imagery.  " });

        await ReadAsync<IncidentResponse>(response, HttpStatusCode.OK);
        var note = Assert.Single((await GetIncidentAsync(client, logged.Id)).Entries, e => e.Kind == TimelineKind.Note);
        Assert.Equal("Liaison officer called; awaiting imagery.", note.Details);
        Assert.Equal(logged.CreatedBy, note.Actor);
        Assert.Equal(Stage.UkrainianForces, note.Stage);
        Assert.Null(note.DueAt);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    public async Task An_empty_note_is_a_400_on_text(string? text)
    {
        var logged = await factory.LogIncidentAsync(client);

        using var response = await PostAsync($"/api/incidents/{logged.Id}/notes", new { text });

        await AssertValidationProblemAsync(response, "text");
        Assert.DoesNotContain((await GetIncidentAsync(client, logged.Id)).Entries, e => e.Kind == TimelineKind.Note);
    }

    [Fact]
    public async Task The_diplomatic_warning_is_recorded_once_and_a_second_is_a_409_problem()
    {
        var logged = await factory.LogIncidentAsync(client);

        using var first = await PostAsync($"/api/incidents/{logged.Id}/diplomatic-warning", new { details = "Démarche delivered to the embassy." });
        using var second = await PostAsync($"/api/incidents/{logged.Id}/diplomatic-warning", body: null);

        var warned = await ReadAsync<IncidentResponse>(first, HttpStatusCode.OK);
        Assert.Equal(Now, warned.DiplomaticWarningIssuedAt);
        await AssertProblemAsync(second, HttpStatusCode.Conflict);
        var entry = Assert.Single((await GetIncidentAsync(client, logged.Id)).Entries, e => e.Kind == TimelineKind.DiplomaticWarningIssued);
        Assert.Equal("Démarche delivered to the embassy.", entry.Details);
    }

    [Fact]
    public async Task The_diplomatic_warning_needs_no_body()
    {
        var logged = await factory.LogIncidentAsync(client);

        using var response = await PostAsync($"/api/incidents/{logged.Id}/diplomatic-warning", body: null);

        var warned = await ReadAsync<IncidentResponse>(response, HttpStatusCode.OK);
        Assert.Equal(Now, warned.DiplomaticWarningIssuedAt);
    }

    [Fact]
    public async Task Reopening_a_resolved_incident_runs_its_clock_again_and_needs_a_reason()
    {
        var logged = await factory.LogIncidentAsync(client);
        using (var resolve = await PostAsync($"/api/incidents/{logged.Id}/resolve", new { }))
        {
            Assert.Equal(HttpStatusCode.OK, resolve.StatusCode);
        }

        using var withoutReason = await PostAsync($"/api/incidents/{logged.Id}/reopen", new { });
        using var reopen = await PostAsync($"/api/incidents/{logged.Id}/reopen", new { reason = "Shelling resumed." });

        await AssertValidationProblemAsync(withoutReason, "reason");
        var reopened = await ReadAsync<IncidentResponse>(reopen, HttpStatusCode.OK);
        Assert.Equal(IncidentStatus.Active, reopened.Status);
        Assert.Null(reopened.CeasedAt);
        Assert.Equal(logged.OccurredAt + Day, reopened.NextStageAt);
    }
}
