using System.Net.Http.Json;
using CeasefireWatch.Tests.Infrastructure;
using CeasefireWatch.Tests.Pages;
using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;

namespace CeasefireWatch.Tests.Security;

/// <summary>
/// Issue 3's table of who may do what, written out once for the API and the page tests: each action with the
/// least role that may take it, and how to take it. Roles rank Viewer &lt; Analyst &lt; Supervisor &lt; Admin.
/// </summary>
internal static class RoleMatrix
{
    public static readonly string[] RolesInOrder = [Roles.Viewer, Roles.Analyst, Roles.Supervisor, Roles.Admin];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static bool May(string role, string leastRole) =>
        Array.IndexOf(RolesInOrder, role) >= Array.IndexOf(RolesInOrder, leastRole);

    /// <summary>
    /// The incident an action is taken on: its id and first report, resolved when the action needs it; a likely duplicate
    /// of it (the merge calls fold it into the target); and a notification rule (for an oblast the incident is not in, so it
    /// queues nothing) for the rule calls. The target began 25 hours ago with a Major report, so it is at tier 2 (coalition
    /// answers are taken) and asks about a larger-scale attack (the review is taken).
    /// </summary>
    public sealed record Target(int Id, long ReportId, int RuleId, int DuplicateId);

    /// <summary>One API call of CONTRACT.md (and the verify call), with the least role allowed to make it.</summary>
    public sealed record ApiAction(string LeastRole, bool NeedsResolved, Func<CeasefireWatchFactory, HttpClient, Target, Task<HttpResponseMessage>> Send);

    public static readonly IReadOnlyDictionary<string, ApiAction> Api = new Dictionary<string, ApiAction>
    {
        ["GET /api/incidents"] = new(Roles.Viewer, false, (_, c, _) => c.GetAsync("/api/incidents", Ct)),
        ["GET /api/incidents/{id}"] = new(Roles.Viewer, false, (_, c, t) => c.GetAsync($"/api/incidents/{t.Id}", Ct)),
        ["GET /api/incidents/{id}/timeline.csv"] = new(Roles.Viewer, false, (_, c, t) => c.GetAsync($"/api/incidents/{t.Id}/timeline.csv", Ct)),
        ["GET /api/timeline.csv"] = new(Roles.Viewer, false, (_, c, _) => c.GetAsync("/api/timeline.csv", Ct)),
        ["GET /api/stats"] = new(Roles.Viewer, false, (_, c, _) => c.GetAsync("/api/stats", Ct)),
        ["GET /api/incidents.csv"] = new(Roles.Viewer, false, (_, c, _) => c.GetAsync("/api/incidents.csv", Ct)),
        // A title of its own per call: a row identical to an incident stored already is not imported again.
        ["POST /api/imports"] = new(Roles.Analyst, false, (app, c, t) => Imports.PostAsync(c,
            "title,occurred_at,oblast\r\n" + Imports.Line($"Imported beside {t.Id}", CeasefireWatchFactory.Iso(app.Now.AddHours(-1)), "Sumy"))),
        ["POST /api/incidents"] = new(Roles.Analyst, false, (app, c, _) => app.PostIncidentAsync(c)),
        ["POST /api/incidents/{id}/reports"] = new(Roles.Analyst, false, (app, c, t) =>
            c.PostAsJsonAsync($"/api/incidents/{t.Id}/reports", CeasefireWatchFactory.ReportBody(app.Now), CeasefireWatchFactory.Json, Ct)),
        ["POST /api/incidents/{id}/notes"] = new(Roles.Analyst, false, (_, c, t) =>
            c.PostAsJsonAsync($"/api/incidents/{t.Id}/notes", new { text = "Liaison informed." }, Ct)),
        ["POST /api/incidents/{id}/diplomatic-warning"] = new(Roles.Analyst, false, (_, c, t) =>
            c.PostAsync($"/api/incidents/{t.Id}/diplomatic-warning", null, Ct)),
        ["POST /api/incidents/{id}/reports/{reportId}/verify"] = new(Roles.Supervisor, false, (_, c, t) =>
            c.PostAsync($"/api/incidents/{t.Id}/reports/{t.ReportId}/verify", null, Ct)),
        ["POST /api/incidents/{id}/escalate"] = new(Roles.Supervisor, false, (_, c, t) =>
            c.PostAsJsonAsync($"/api/incidents/{t.Id}/escalate", new { reason = "Shelling intensifying.", toStage = "UsBackstop" }, Ct)),
        ["POST /api/incidents/{id}/resolve"] = new(Roles.Supervisor, false, (_, c, t) =>
            c.PostAsJsonAsync($"/api/incidents/{t.Id}/resolve", new { reason = "Guns silent." }, Ct)),
        ["POST /api/incidents/{id}/reopen"] = new(Roles.Supervisor, true, (_, c, t) =>
            c.PostAsJsonAsync($"/api/incidents/{t.Id}/reopen", new { reason = "Fire resumed." }, Ct)),
        ["POST /api/incidents/{id}/verification"] = new(Roles.Supervisor, false, (_, c, t) =>
            c.PostAsJsonAsync($"/api/incidents/{t.Id}/verification", new { status = "Verified", note = "Drone footage." }, Ct)),
        ["POST /api/incidents/{id}/checklist"] = new(Roles.Analyst, false, (_, c, t) =>
            c.PostAsJsonAsync($"/api/incidents/{t.Id}/checklist", new { item = "UkrainianForcesResponse", note = "Counter-battery fire." }, Ct)),
        ["POST /api/incidents/{id}/acknowledgements"] = new(Roles.Analyst, false, (_, c, t) =>
            c.PostAsJsonAsync($"/api/incidents/{t.Id}/acknowledgements", new { country = "France", state = "Acknowledged", note = "Paris confirms." }, Ct)),
        ["POST /api/incidents/{id}/larger-scale-review"] = new(Roles.Supervisor, false, (_, c, t) =>
            c.PostAsJsonAsync($"/api/incidents/{t.Id}/larger-scale-review", new { reason = "One drone, one village." }, Ct)),
        ["POST /api/incidents/{id}/merge"] = new(Roles.Supervisor, false, (_, c, t) =>
            c.PostAsJsonAsync($"/api/incidents/{t.DuplicateId}/merge", new { intoId = t.Id }, Ct)),
        ["GET /api/coalition"] = new(Roles.Viewer, false, (_, c, _) => c.GetAsync("/api/coalition", Ct)),
        ["GET /api/incidents/{id}/duplicates"] = new(Roles.Viewer, false, (_, c, t) => c.GetAsync($"/api/incidents/{t.Id}/duplicates", Ct)),
        ["POST /api/notification-rules"] = new(Roles.Supervisor, false, (_, c, _) =>
            c.PostAsJsonAsync("/api/notification-rules", new { name = "Desk", channel = "Email", target = "desk@example.org", oblasts = new[] { "Volyn" } }, Ct)),
        ["GET /api/notification-rules"] = new(Roles.Supervisor, false, (_, c, _) => c.GetAsync("/api/notification-rules", Ct)),
        ["GET /api/notification-rules/{id}"] = new(Roles.Supervisor, false, (_, c, t) => c.GetAsync($"/api/notification-rules/{t.RuleId}", Ct)),
        ["DELETE /api/notification-rules/{id}"] = new(Roles.Supervisor, false, (_, c, t) => c.DeleteAsync($"/api/notification-rules/{t.RuleId}", Ct)),
        ["GET /api/notifications"] = new(Roles.Supervisor, false, (_, c, _) => c.GetAsync("/api/notifications", Ct)),
    };

    /// <summary>One form of the incident pages: the least role allowed, the form's handler and its fields.</summary>
    public sealed record PageAction(string LeastRole, bool NeedsResolved, Func<CeasefireWatchFactory, Target, (string Action, (string Name, string Value)[] Fields)> Form);

    public static readonly IReadOnlyDictionary<string, PageAction> Pages = new Dictionary<string, PageAction>
    {
        ["Log incident"] = new(Roles.Analyst, false, (app, _) => ("/Incidents/New", PageForms.NewIncident(app.Now.UtcDateTime.AddMinutes(-5)).AsFields())),
        ["Follow-up report"] = new(Roles.Analyst, false, (app, t) => ($"/Incidents/{t.Id}?handler=FollowUp", PageForms.ReportFields("FollowUp", app.Now.UtcDateTime.AddMinutes(-5)).AsFields())),
        ["Note"] = new(Roles.Analyst, false, (_, t) => ($"/Incidents/{t.Id}?handler=Note", [("Note.Text", "Liaison informed.")])),
        ["Diplomatic warning"] = new(Roles.Analyst, false, (_, t) => ($"/Incidents/{t.Id}?handler=Warning", [("Warning.Details", "Issued by the MFA.")])),
        ["Verify report"] = new(Roles.Supervisor, false, (_, t) => ($"/Incidents/{t.Id}?handler=Verify&reportId={t.ReportId}", [("Verify.Details", "Drone footage.")])),
        ["Escalate"] = new(Roles.Supervisor, false, (_, t) => ($"/Incidents/{t.Id}?handler=Escalate", [("Escalate.Reason", "Shelling intensifying."), ("Escalate.ToStage", "UsBackstop")])),
        ["Resolve"] = new(Roles.Supervisor, false, (_, t) => ($"/Incidents/{t.Id}?handler=Resolve", [("Resolve.CeasedAt", string.Empty), ("Resolve.CeasedAtZone", "Utc"), ("Resolve.Reason", "Guns silent.")])),
        ["Reopen"] = new(Roles.Supervisor, true, (_, t) => ($"/Incidents/{t.Id}?handler=Reopen", [("Reopen.Reason", "Fire resumed.")])),
        ["Verification"] = new(Roles.Supervisor, false, (_, t) => ($"/Incidents/{t.Id}?handler=Verification", [("Verification.Status", "Verified"), ("Verification.Note", "Imagery.")])),
        ["Coalition answer"] = new(Roles.Analyst, false, (_, t) => ($"/Incidents/{t.Id}?handler=Answer", [("Answer.Country", "France"), ("Answer.State", "Acknowledged"), ("Answer.Note", "Paris confirms.")])),
        ["Checklist item"] = new(Roles.Analyst, false, (_, t) => ($"/Incidents/{t.Id}?handler=Checklist", [("Checklist.Item", "UkrainianForcesResponse"), ("Checklist.Note", "Fire returned.")])),
        ["Larger-scale review"] = new(Roles.Supervisor, false, (_, t) => ($"/Incidents/{t.Id}?handler=ScaleReview", [("ScaleReview.Reason", "One drone, one village.")])),
        ["Merge"] = new(Roles.Supervisor, false, (_, t) => ($"/Incidents/{t.Id}?handler=Merge&mergeId={t.DuplicateId}", [])),
    };

    public static TheoryData<string, string> Cases(IEnumerable<string> actions)
    {
        var data = new TheoryData<string, string>();
        foreach (var role in RolesInOrder)
        {
            foreach (var action in actions)
            {
                data.Add(role, action);
            }
        }

        return data;
    }

    /// <summary>A fresh incident logged with the bootstrap Supervisor key, resolved when asked.</summary>
    public static async Task<Target> NewTargetAsync(CeasefireWatchFactory app, bool resolved)
    {
        var api = app.CreateApiClient();
        var incident = await app.LogIncidentAsync(api, app.Now.AddHours(-25), body => body["severity"] = "Major");
        var duplicate = await app.LogIncidentAsync(api, app.Now.AddHours(-24));
        if (resolved)
        {
            using var response = await api.PostAsJsonAsync($"/api/incidents/{incident.Id}/resolve", new { reason = "Quiet." }, Ct);
            response.EnsureSuccessStatusCode();
        }

        var reportId = await app.WithDbAsync(db => db.Reports.Where(r => r.IncidentId == incident.Id).Select(r => r.Id).SingleAsync(Ct));
        using var rule = await api.PostAsJsonAsync(
            "/api/notification-rules", new { name = "Matrix", channel = "Email", target = "matrix@example.org", oblasts = new[] { "Volyn" } }, Ct);
        var ruleId = (await rule.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(Ct)).GetProperty("id").GetInt32();
        return new Target(incident.Id, reportId, ruleId, duplicate.Id);
    }

    /// <summary>Everything an action could change, as one comparable text: counts, and each incident's and report's state.</summary>
    public static Task<string> FingerprintAsync(CeasefireWatchFactory app) => app.WithDbAsync(async db =>
    {
        var incidents = await db.Incidents.OrderBy(i => i.Id)
            .Select(i => new { i.Id, i.Version, i.Status, i.Stage, i.DiplomaticWarningIssuedAt, i.CeasedAt }).ToListAsync(Ct);
        var reports = await db.Reports.OrderBy(r => r.Id).Select(r => new { r.Id, r.VerifiedAt }).ToListAsync(Ct);
        var entries = await db.TimelineEntries.CountAsync(Ct);
        var rules = await db.Set<NotificationRule>().Where(r => r.DeletedAt == null).OrderBy(r => r.Id).Select(r => r.Id).ToListAsync(Ct);
        return $"{string.Join(',', incidents)}|{string.Join(',', reports)}|{entries}|{string.Join(',', rules)}";
    });
}
