using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CeasefireWatch.Tests.Infrastructure;
using CeasefireWatch.Web.Domain;
using Microsoft.EntityFrameworkCore;

namespace CeasefireWatch.Tests.Response;

/// <summary>
/// The response, not just the clock: verification and holds, false reports, the larger-scale question, coalition
/// answers and the tier checklists with their overdue flags, and merging duplicates — through the JSON API.
/// </summary>
public sealed class ResponseApiTests
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<JsonElement> GetAsync(HttpClient api, int id)
    {
        using var response = await api.GetAsync($"/api/incidents/{id}", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone();
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient api, string path, object body) => api.PostAsJsonAsync(path, body, Ct);

    [Fact]
    public async Task With_verification_required_an_unverified_incident_is_held_once_and_verifying_enters_every_tier_due_with_its_policy_instant()
    {
        await using var app = new CeasefireWatchFactory { Settings = new Dictionary<string, string?> { ["Escalation:RequireVerificationBeyondTier1"] = "true" } };
        var api = app.CreateApiClient();
        using var rule = await PostAsync(api, "/api/notification-rules", new { name = "Desk", channel = "Webhook", target = "http://127.0.0.1:9/hook", secret = "a-webhook-secret-of-length" });
        Assert.Equal(HttpStatusCode.Created, rule.StatusCode);
        var incident = await app.LogIncidentAsync(api);
        var t0 = incident.OccurredAt;

        app.Clock.Advance(3 * Day + TimeSpan.FromHours(1));
        await app.WaitForEngineRunAsync(app.Now.UtcDateTime);
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        await app.WaitForEngineRunAsync(app.Now.UtcDateTime);

        var held = await GetAsync(api, incident.Id);
        Assert.Equal("UkrainianForces", held.GetProperty("stage").GetString());
        Assert.True(held.GetProperty("held").GetBoolean());
        Assert.Equal(JsonValueKind.Null, held.GetProperty("nextStageAt").ValueKind);
        Assert.Single(held.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("kind").GetString() == "EscalationHeld");
        // The hold is told to the responders like a tier entered.
        Assert.Equal(1, await app.WithDbAsync(db => db.Set<Web.Data.NotificationDelivery>().CountAsync(d => d.Event == TimelineKind.EscalationHeld, Ct)));

        using var verified = await PostAsync(api, $"/api/incidents/{incident.Id}/verification", new { status = "Verified", note = "Satellite imagery." });
        Assert.Equal(HttpStatusCode.OK, verified.StatusCode);

        var after = await CeasefireWatchFactory.GetIncidentAsync(api, incident.Id);
        Assert.Equal(Stage.UsBackstop, after.Stage);
        Assert.Equal(t0 + Day, after.StagesEntered.Single(e => e.Stage == Stage.Coalition).DueAt);
        Assert.Equal(t0 + 3 * Day, after.StagesEntered.Single(e => e.Stage == Stage.UsBackstop).DueAt);
    }

    [Theory]
    [InlineData("dismissed and taken back")]
    [InlineData("resolved and reopened")]
    public async Task A_held_incident_brought_back_is_still_held_with_its_one_EscalationHeld_entry(string how)
    {
        // Found from outside: a held incident dismissed as a false report and then set back to Unverified was held a
        // second time at the next deadline, with a second EscalationHeld entry (the contract says one).
        await using var app = new CeasefireWatchFactory { Settings = new Dictionary<string, string?> { ["Escalation:RequireVerificationBeyondTier1"] = "true" } };
        var api = app.CreateApiClient();
        var incident = await app.LogIncidentAsync(api);
        app.Clock.Advance(Day + TimeSpan.FromMinutes(1));
        await app.WaitForEngineRunAsync(app.Now.UtcDateTime);
        Assert.True((await GetAsync(api, incident.Id)).GetProperty("held").GetBoolean());

        var (away, back) = how == "resolved and reopened"
            ? (("resolve", (object)new { reason = "Fire stopped." }), ("reopen", (object)new { reason = "Shelling again." }))
            : (("verification", (object)new { status = "FalseReport", note = "Looked like an exercise." }), ("verification", (object)new { status = "Unverified", note = "It was not." }));
        using (var response = await PostAsync(api, $"/api/incidents/{incident.Id}/{away.Item1}", away.Item2))
        {
            var body = await CeasefireWatchFactory.ReadAsync<JsonElement>(response, HttpStatusCode.OK);
            Assert.False(body.GetProperty("held").GetBoolean());
        }

        app.Clock.Advance(TimeSpan.FromHours(1));
        using (var response = await PostAsync(api, $"/api/incidents/{incident.Id}/{back.Item1}", back.Item2))
        {
            var body = await CeasefireWatchFactory.ReadAsync<JsonElement>(response, HttpStatusCode.OK);
            Assert.Equal("Active", body.GetProperty("status").GetString());
            Assert.True(body.GetProperty("held").GetBoolean());
        }

        // Past tier 3's deadline: still held at tier 1, still one hold on the record.
        app.Clock.Advance(3 * Day);
        await app.WaitForEngineRunAsync(app.Now.UtcDateTime);
        var after = await GetAsync(api, incident.Id);
        Assert.Equal("UkrainianForces", after.GetProperty("stage").GetString());
        Assert.True(after.GetProperty("held").GetBoolean());
        Assert.Single(after.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("kind").GetString() == "EscalationHeld");

        // Verifying it releases it as any hold: the tiers the clock reached while it was active are entered.
        using var verified = await PostAsync(api, $"/api/incidents/{incident.Id}/verification", new { status = "Verified", note = "Confirmed." });
        var released = await CeasefireWatchFactory.ReadAsync<JsonElement>(verified, HttpStatusCode.OK);
        Assert.False(released.GetProperty("held").GetBoolean());
        Assert.Equal("UsBackstop", released.GetProperty("stage").GetString());
    }

    [Fact]
    public async Task A_false_report_is_dismissed_its_clock_stops_and_it_counts_apart()
    {
        await using var app = new CeasefireWatchFactory();
        var api = app.CreateApiClient();
        var incident = await app.LogIncidentAsync(api);

        using var response = await PostAsync(api, $"/api/incidents/{incident.Id}/verification", new { status = "FalseReport", note = "Training exercise." });

        var body = await CeasefireWatchFactory.ReadAsync<JsonElement>(response, HttpStatusCode.OK);
        Assert.Equal("Dismissed", body.GetProperty("status").GetString());
        Assert.Equal("FalseReport", body.GetProperty("verification").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("nextStageAt").ValueKind);
        app.Clock.Advance(2 * Day);
        await app.WaitForEngineRunAsync(app.Now.UtcDateTime);
        Assert.Equal(Stage.UkrainianForces, (await CeasefireWatchFactory.GetIncidentAsync(api, incident.Id)).Stage);
        var stats = JsonDocument.Parse(await api.GetStringAsync("/api/stats", Ct)).RootElement;
        Assert.Equal(1, stats.GetProperty("dismissed").GetProperty("UkrainianForces").GetInt32());
        Assert.Equal(0, stats.GetProperty("active").GetProperty("UkrainianForces").GetInt32());
        Assert.Equal(0, (await CeasefireWatchFactory.ListIncidentsAsync(api, "status=Active")).Total);
        Assert.Equal(1, (await CeasefireWatchFactory.ListIncidentsAsync(api, "verification=FalseReport")).Total);
    }

    /// <summary>
    /// Found from outside: a resolved incident found to be a false report stayed Resolved (counted as resolved), and a
    /// reopening then brought a false report back with its clock running towards the US backstop.
    /// </summary>
    [Fact]
    public async Task A_resolved_incident_found_false_is_dismissed_stays_stopped_and_taken_back_is_resolved_again()
    {
        await using var app = new CeasefireWatchFactory();
        var api = app.CreateApiClient();
        var incident = await app.LogIncidentAsync(api, app.Now.AddHours(-2));
        using (var resolved = await PostAsync(api, $"/api/incidents/{incident.Id}/resolve", new { reason = "Quiet." }))
        {
            Assert.Equal(HttpStatusCode.OK, resolved.StatusCode);
        }

        using var falseReport = await PostAsync(api, $"/api/incidents/{incident.Id}/verification", new { status = "FalseReport", note = "Exercise." });
        var body = await CeasefireWatchFactory.ReadAsync<JsonElement>(falseReport, HttpStatusCode.OK);
        Assert.Equal("Dismissed", body.GetProperty("status").GetString());
        var stats = JsonDocument.Parse(await api.GetStringAsync("/api/stats", Ct)).RootElement;
        Assert.Equal(1, stats.GetProperty("dismissed").GetProperty("UkrainianForces").GetInt32());
        Assert.Equal(0, stats.GetProperty("resolved").GetProperty("UkrainianForces").GetInt32());

        using var reopened = await PostAsync(api, $"/api/incidents/{incident.Id}/reopen", new { reason = "Again." });
        await Problems.AssertProblemAsync(reopened, HttpStatusCode.Conflict);

        using var takenBack = await PostAsync(api, $"/api/incidents/{incident.Id}/verification", new { status = "Verified", note = "It was real." });
        var back = await CeasefireWatchFactory.ReadAsync<JsonElement>(takenBack, HttpStatusCode.OK);
        Assert.Equal("Resolved", back.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, back.GetProperty("nextStageAt").ValueKind);
        Assert.Equal(incident.Id, (await CeasefireWatchFactory.ListIncidentsAsync(api, "status=Resolved")).Items.Single().Id);
    }

    /// <summary>
    /// Found from outside: a report on a resolved or dismissed incident was taken with a 201 and changed nothing, even
    /// a violation after hostilities ceased; and one that moved T0 back entered none of the tiers an import of the same
    /// history enters. Now a later violation is refused (reopening is a supervisor's call), an earlier one enters what
    /// fell due before the cessation, and a false report takes no report.
    /// </summary>
    [Fact]
    public async Task A_report_on_a_resolved_incident_is_taken_only_from_before_the_cessation_and_runs_the_import_rule()
    {
        await using var app = new CeasefireWatchFactory();
        var api = app.CreateApiClient();
        var ceased = app.Now.AddHours(-1);
        var incident = await app.LogIncidentAsync(api, app.Now.AddHours(-2));
        using (var resolved = await PostAsync(api, $"/api/incidents/{incident.Id}/resolve", new { ceasedAt = ceased, reason = "Quiet." }))
        {
            Assert.Equal(HttpStatusCode.OK, resolved.StatusCode);
        }

        var before = await CeasefireWatchFactory.GetIncidentAsync(api, incident.Id);
        using (var later = await api.PostAsJsonAsync($"/api/incidents/{incident.Id}/reports", CeasefireWatchFactory.ReportBody(app.Now.AddMinutes(-30)), CeasefireWatchFactory.Json, Ct))
        {
            var problem = await Problems.AssertProblemAsync(later, HttpStatusCode.Conflict);
            Assert.Contains("reopens it", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(before.Entries.Count, (await CeasefireWatchFactory.GetIncidentAsync(api, incident.Id)).Entries.Count);

        // The same episode, 80 h before now: T0 moves back, and tiers 2 and 3 fell due before hostilities ceased.
        var first = app.Now.AddHours(-80);
        using (var earlier = await api.PostAsJsonAsync($"/api/incidents/{incident.Id}/reports", CeasefireWatchFactory.ReportBody(first), CeasefireWatchFactory.Json, Ct))
        {
            Assert.Equal(HttpStatusCode.Created, earlier.StatusCode);
        }

        var after = await CeasefireWatchFactory.GetIncidentAsync(api, incident.Id);
        Assert.Equal((IncidentStatus.Resolved, Stage.UsBackstop), (after.Status, after.Stage));

        // What an import of the same history gives.
        using var form = Imports.Form(Encoding.UTF8.GetBytes(
            "title,occurred_at,ceased_at,oblast\r\n" + Imports.Line("Same history", CeasefireWatchFactory.Iso(first), CeasefireWatchFactory.Iso(ceased), "Kyiv")));
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync("/api/imports", form, Ct)).StatusCode);
        var imported = (await CeasefireWatchFactory.ListIncidentsAsync(api, "pageSize=10")).Items.Single(i => i.Title == "Same history");
        var importedView = await CeasefireWatchFactory.GetIncidentAsync(api, imported.Id);
        // Tier 1's entry keeps the dueAt it was recorded with (a timeline entry never changes; a later T0 is in the
        // follow-up's entry): the tiers entered now are compared.
        Assert.Equal(importedView.StagesEntered.Skip(1).Select(e => (e.Stage, e.DueAt)), after.StagesEntered.Skip(1).Select(e => (e.Stage, e.DueAt)));

        // A false report takes no report.
        using (var dismissed = await PostAsync(api, $"/api/incidents/{incident.Id}/verification", new { status = "FalseReport", note = "Exercise." }))
        {
            Assert.Equal(HttpStatusCode.OK, dismissed.StatusCode);
        }

        using var onDismissed = await api.PostAsJsonAsync($"/api/incidents/{incident.Id}/reports", CeasefireWatchFactory.ReportBody(app.Now.AddHours(-90)), CeasefireWatchFactory.Json, Ct);
        await Problems.AssertProblemAsync(onDismissed, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_major_report_asks_about_a_larger_scale_attack_until_a_supervisor_decides()
    {
        await using var app = new CeasefireWatchFactory();
        var api = app.CreateApiClient();
        var incident = await app.LogIncidentAsync(api, change: b => b["severity"] = "Major");
        Assert.True((await GetAsync(api, incident.Id)).GetProperty("largerScaleFlagged").GetBoolean());

        using var reviewed = await PostAsync(api, $"/api/incidents/{incident.Id}/larger-scale-review", new { reason = "One shell, no follow-up." });
        Assert.Equal(HttpStatusCode.OK, reviewed.StatusCode);
        Assert.False((await GetAsync(api, incident.Id)).GetProperty("largerScaleFlagged").GetBoolean());
        using var again = await PostAsync(api, $"/api/incidents/{incident.Id}/larger-scale-review", new { reason = "Again." });
        await Problems.AssertProblemAsync(again, HttpStatusCode.Conflict);

        // A new Major follow-up raises it again; escalating to the US backstop answers it.
        using var followUp = await api.PostAsJsonAsync($"/api/incidents/{incident.Id}/reports", Major(CeasefireWatchFactory.ReportBody(app.Now)), CeasefireWatchFactory.Json, Ct);
        Assert.Equal(HttpStatusCode.Created, followUp.StatusCode);
        Assert.True((await GetAsync(api, incident.Id)).GetProperty("largerScaleFlagged").GetBoolean());
        using var escalated = await PostAsync(api, $"/api/incidents/{incident.Id}/escalate", new { reason = "Larger-scale attack.", toStage = "UsBackstop" });
        Assert.Equal(HttpStatusCode.OK, escalated.StatusCode);
        Assert.False((await GetAsync(api, incident.Id)).GetProperty("largerScaleFlagged").GetBoolean());
    }

    [Fact]
    public async Task The_same_coalition_answer_again_is_a_409_also_when_twenty_arrive_at_once_and_a_changed_one_is_recorded()
    {
        // Found from outside: 20 identical answers at once were stored 18 times (18 rows, 18 timeline entries).
        await using var app = new CeasefireWatchFactory();
        var api = app.CreateApiClient();
        var incident = await app.LogIncidentAsync(api);
        using (var escalated = await PostAsync(api, $"/api/incidents/{incident.Id}/escalate", new { reason = "Continuing.", toStage = "Coalition" }))
        {
            Assert.Equal(HttpStatusCode.OK, escalated.StatusCode);
        }

        var answer = new { country = "France", state = "Acknowledged", note = "Paris confirms." };
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => PostAsync(api, $"/api/incidents/{incident.Id}/acknowledgements", answer)));
        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        foreach (var response in responses)
        {
            response.Dispose();
        }

        using var again = await PostAsync(api, $"/api/incidents/{incident.Id}/acknowledgements", answer);
        await Problems.AssertProblemAsync(again, HttpStatusCode.Conflict);
        using var changed = await PostAsync(api, $"/api/incidents/{incident.Id}/acknowledgements", answer with { state = "Deployed" });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        using var newNote = await PostAsync(api, $"/api/incidents/{incident.Id}/acknowledgements", answer with { state = "Deployed", note = "Second battalion." });
        Assert.Equal(HttpStatusCode.OK, newNote.StatusCode);

        var stored = await app.WithDbAsync(db => db.TimelineEntries.CountAsync(e => e.IncidentId == incident.Id && e.Kind == TimelineKind.CoalitionAnswer, Ct));
        Assert.Equal(3, stored);
    }

    [Fact]
    public async Task Every_call_acting_on_an_incident_answers_with_its_coalition_as_the_incident_s_own_page_has_it()
    {
        // Found from outside: only GET /api/incidents/{id} and the acknowledgement's answer carried `coalition`; the
        // escalation, verification, resolution and the rest answered "the incident" without it.
        await using var app = new CeasefireWatchFactory();
        var api = app.CreateApiClient();
        var incident = await app.LogIncidentAsync(api);

        static async Task<JsonElement> CoalitionOf(HttpResponseMessage response) =>
            (await CeasefireWatchFactory.ReadAsync<JsonElement>(response, HttpStatusCode.OK)).GetProperty("coalition");

        using (var note = await PostAsync(api, $"/api/incidents/{incident.Id}/notes", new { text = "Before tier 2." }))
        {
            Assert.Equal(0, (await CoalitionOf(note)).GetArrayLength());
        }

        using (var escalated = await PostAsync(api, $"/api/incidents/{incident.Id}/escalate", new { reason = "Continuing.", toStage = "Coalition" }))
        {
            var coalition = await CoalitionOf(escalated);
            Assert.True(coalition.GetArrayLength() > 2);
            Assert.All(coalition.EnumerateArray(), m => Assert.Equal(JsonValueKind.Null, m.GetProperty("state").ValueKind));
        }

        using (var answered = await PostAsync(api, $"/api/incidents/{incident.Id}/acknowledgements", new { country = "France", state = "Acknowledged" }))
        {
            Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        }

        var expected = (await GetAsync(api, incident.Id)).GetProperty("coalition").ToString();
        foreach (var (path, body) in new (string, object)[]
        {
            ("verification", new { status = "Verified", note = "Seen." }),
            ("notes", new { text = "After tier 2." }),
            ("resolve", new { reason = "Fire stopped." }),
        })
        {
            using var response = await PostAsync(api, $"/api/incidents/{incident.Id}/{path}", body);
            Assert.Equal(expected, (await CoalitionOf(response)).ToString());
        }
    }

    [Fact]
    public async Task Coalition_answers_from_tier_2_fill_the_matrix_leads_first_and_close_the_tier_2_checklist()
    {
        await using var app = new CeasefireWatchFactory();
        var api = app.CreateApiClient();
        var incident = await app.LogIncidentAsync(api);
        using var early = await PostAsync(api, $"/api/incidents/{incident.Id}/acknowledgements", new { country = "France", state = "Acknowledged" });
        await Problems.AssertProblemAsync(early, HttpStatusCode.Conflict);
        using var unknown = await PostAsync(api, $"/api/incidents/{incident.Id}/acknowledgements", new { country = "Atlantis", state = "Acknowledged" });
        await Problems.AssertValidationProblemAsync(unknown, "country");

        await PostAsync(api, $"/api/incidents/{incident.Id}/escalate", new { reason = "Continuing.", toStage = "Coalition" });
        var roster = JsonDocument.Parse(await api.GetStringAsync("/api/coalition", Ct)).RootElement.EnumerateArray().ToList();
        Assert.Equal(["United Kingdom", "France"], roster.Where(m => m.GetProperty("lead").GetBoolean()).Select(m => m.GetProperty("name").GetString()).Order().Reverse());

        foreach (var member in roster)
        {
            var state = member.GetProperty("lead").GetBoolean() ? "Deployed" : "Notified";
            using var answer = await PostAsync(api, $"/api/incidents/{incident.Id}/acknowledgements", new { country = member.GetProperty("name").GetString(), state, note = "By phone." });
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);

            // The call's answer is the incident with the answer just recorded in its coalition.
            var answered = JsonDocument.Parse(await answer.Content.ReadAsStringAsync(Ct)).RootElement;
            var row = Assert.Single(answered.GetProperty("coalition").EnumerateArray(), m => m.GetProperty("country").GetString() == member.GetProperty("name").GetString());
            Assert.Equal(state, row.GetProperty("state").GetString());
            Assert.Equal(roster.Count, answered.GetProperty("coalition").GetArrayLength());
        }

        var after = await GetAsync(api, incident.Id);
        var matrix = after.GetProperty("coalition").EnumerateArray().ToList();
        Assert.Equal(roster.Count, matrix.Count);
        Assert.True(matrix[0].GetProperty("lead").GetBoolean() && matrix[1].GetProperty("lead").GetBoolean());
        Assert.All(matrix, m => Assert.NotEqual(JsonValueKind.Null, m.GetProperty("state").ValueKind));
        var checklist = after.GetProperty("checklist").EnumerateArray().ToDictionary(c => c.GetProperty("item").GetString()!, c => c);
        Assert.True(checklist["LeadsAcknowledged"].GetProperty("done").GetBoolean());
        Assert.True(checklist["MembersNotified"].GetProperty("done").GetBoolean());
        Assert.Equal(roster.Count + 1, after.GetProperty("timeline").EnumerateArray().Count(e => e.GetProperty("kind").GetString() is "CoalitionAnswer" or "StageEntered" && e.GetProperty("stage").GetString() != "UkrainianForces"));
    }

    [Fact]
    public async Task An_item_open_past_the_overdue_bound_is_overdue_and_listed_and_doing_it_clears_it()
    {
        await using var app = new CeasefireWatchFactory { Settings = new Dictionary<string, string?> { ["Escalation:ChecklistOverdueAfter"] = "02:00:00" } };
        var api = app.CreateApiClient();
        var incident = await app.LogIncidentAsync(api);
        Assert.Equal(0, (await CeasefireWatchFactory.ListIncidentsAsync(api, "overdue=true")).Total);

        app.Clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(1, (await CeasefireWatchFactory.ListIncidentsAsync(api, "overdue=true")).Total);
        var overdue = (await GetAsync(api, incident.Id)).GetProperty("checklist").EnumerateArray().Where(c => c.GetProperty("overdue").GetBoolean()).Select(c => c.GetProperty("item").GetString()).ToList();
        Assert.Equal(["DiplomaticWarning", "UkrainianForcesResponse"], overdue);

        await api.PostAsJsonAsync($"/api/incidents/{incident.Id}/diplomatic-warning", new { recipient = "Embassy of the aggressor", channel = "Note verbale" }, Ct);
        // The dashboard's "list" link: the page filters as the API does.
        var viewer = await app.SignedInAsRoleAsync(Web.Infrastructure.Security.Roles.Viewer);
        var other = await app.LogIncidentAsync(api);
        var listed = await viewer.GetHtmlAsync("/Incidents?overdue=true");
        Assert.Contains($"data-incident-id=\"{incident.Id}\"", listed, StringComparison.Ordinal);
        Assert.DoesNotContain($"data-incident-id=\"{other.Id}\"", listed, StringComparison.Ordinal);

        using var done = await PostAsync(api, $"/api/incidents/{incident.Id}/checklist", new { item = "UkrainianForcesResponse", note = "Counter-battery fire." });
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.Equal(0, (await CeasefireWatchFactory.ListIncidentsAsync(api, "overdue=true")).Total);
        using var twice = await PostAsync(api, $"/api/incidents/{incident.Id}/checklist", new { item = "UkrainianForcesResponse" });
        await Problems.AssertProblemAsync(twice, HttpStatusCode.Conflict);
        using var tooEarly = await PostAsync(api, $"/api/incidents/{incident.Id}/checklist", new { item = "UsBackstopActivation" });
        await Problems.AssertProblemAsync(tooEarly, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Merging_keeps_the_earliest_t0_both_histories_and_the_higher_tier_and_the_other_points_to_the_survivor()
    {
        await using var app = new CeasefireWatchFactory();
        var api = app.CreateApiClient();
        var survivor = await app.LogIncidentAsync(api, app.Now - TimeSpan.FromHours(2));
        var duplicate = await app.LogIncidentAsync(api, app.Now - TimeSpan.FromHours(5), b => b["title"] = "Same shelling, second source");
        await PostAsync(api, $"/api/incidents/{duplicate.Id}/escalate", new { reason = "Continuing.", toStage = "Coalition" });
        var duplicates = JsonDocument.Parse(await api.GetStringAsync($"/api/incidents/{survivor.Id}/duplicates", Ct)).RootElement;
        Assert.Contains(duplicates.EnumerateArray(), d => d.GetProperty("id").GetInt32() == duplicate.Id);

        using var merged = await PostAsync(api, $"/api/incidents/{duplicate.Id}/merge", new { intoId = survivor.Id });
        Assert.Equal(HttpStatusCode.OK, merged.StatusCode);

        var kept = await CeasefireWatchFactory.GetIncidentAsync(api, survivor.Id);
        Assert.Equal(duplicate.OccurredAt, kept.OccurredAt);
        Assert.Equal(Stage.Coalition, kept.Stage);
        Assert.Equal([Stage.UkrainianForces, Stage.Coalition], kept.StagesEntered.Select(e => e.Stage));
        Assert.Equal(2, kept.Reports!.Count);
        var keptJson = await GetAsync(api, survivor.Id);
        Assert.Contains(keptJson.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("mergedFrom").GetString() == duplicate.Reference);
        var gone = await GetAsync(api, duplicate.Id);
        Assert.Equal("Merged", gone.GetProperty("status").GetString());
        Assert.Equal(survivor.Id, gone.GetProperty("mergedIntoId").GetInt32());
        using var note = await api.PostAsJsonAsync($"/api/incidents/{duplicate.Id}/notes", new { text = "Late." }, Ct);
        await Problems.AssertProblemAsync(note, HttpStatusCode.Conflict);
        using var self = await PostAsync(api, $"/api/incidents/{survivor.Id}/merge", new { intoId = survivor.Id });
        await Problems.AssertValidationProblemAsync(self, "intoId");

        // The merged incident's page is the survivor's.
        var viewer = await app.SignedInAsRoleAsync(Web.Infrastructure.Security.Roles.Viewer);
        using var page = await viewer.GetAsync(new Uri($"/Incidents/{duplicate.Id}", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.EndsWith($"/Incidents/{survivor.Id}", page.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_supervisors_merge_and_only_analysts_and_up_record_answers()
    {
        await using var app = new CeasefireWatchFactory();
        var api = app.CreateApiClient();
        var a = await app.LogIncidentAsync(api);
        var b = await app.LogIncidentAsync(api);
        var analyst = app.CreateApiClient(await app.CreateApiKeyAsync(Web.Infrastructure.Security.Roles.Analyst));
        var viewer = app.CreateApiClient(await app.CreateApiKeyAsync(Web.Infrastructure.Security.Roles.Viewer));

        await Problems.AssertProblemAsync(await PostAsync(analyst, $"/api/incidents/{a.Id}/merge", new { intoId = b.Id }), HttpStatusCode.Forbidden);
        await Problems.AssertProblemAsync(await PostAsync(analyst, $"/api/incidents/{a.Id}/larger-scale-review", new { reason = "No." }), HttpStatusCode.Forbidden);
        await Problems.AssertProblemAsync(await PostAsync(viewer, $"/api/incidents/{a.Id}/acknowledgements", new { country = "France", state = "Notified" }), HttpStatusCode.Forbidden);
        Assert.Equal(IncidentStatus.Active, (await CeasefireWatchFactory.GetIncidentAsync(api, a.Id)).Status);
    }

    private static Dictionary<string, object?> Major(Dictionary<string, object?> body)
    {
        body["severity"] = "Major";
        return body;
    }
}
