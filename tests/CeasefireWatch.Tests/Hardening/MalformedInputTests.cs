using System.Globalization;
using System.Text;
using System.Text.Json;
using CeasefireWatch.Tests.Infrastructure;
using CeasefireWatch.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;

namespace CeasefireWatch.Tests.Hardening;

/// <summary>
/// Thousands of generated malformed requests (seeded, so a failure repeats) against every POST route of the API and
/// every form: none may be answered 5xx, and a refused request (any 4xx) must have written nothing.
/// </summary>
public sealed class MalformedInputTests
{
    private const int Seed = 20261128;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly string[] Junk =
    [
        "", " ", "\u0000", "a\u0000b", "\u001b[2J", "\u202eevil", "=HYPERLINK(\"http://x\")", "<script>alert(1)</script>", "' OR 1=1 --",
        "null", "NaN", "Infinity", "-1", "0x10", "1e309", "99999999999999999999", "2026-13-40T25:61:00Z", "2026-02-04T06:00:00",
        "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "Shelling, MissileStrike", "shelling", "Tier9", "💥", "Київ", new string('x', 5000),
    ];

    [Fact]
    public async Task Generated_malformed_api_bodies_get_no_5xx_and_a_refused_one_writes_nothing()
    {
        await using var app = new CeasefireWatchFactory();
        var api = app.CreateApiClient();
        var incident = await app.LogIncidentAsync(api);
        var reportId = (await CeasefireWatchFactory.GetIncidentAsync(api, incident.Id)).Reports![0].Id;
        var routes = new (string Path, Func<Dictionary<string, object?>> Valid)[]
        {
            ("/api/incidents", () => CeasefireWatchFactory.IncidentBody(app.Now.AddHours(-1))),
            ($"/api/incidents/{incident.Id}/reports", () => CeasefireWatchFactory.ReportBody(app.Now.AddHours(-1))),
            ($"/api/incidents/{incident.Id}/notes", () => new() { ["text"] = "Seen from the checkpoint." }),
            ($"/api/incidents/{incident.Id}/diplomatic-warning", () => new() { ["details"] = "Note verbale." }),
            ($"/api/incidents/{incident.Id}/resolve", () => new() { ["ceasedAt"] = CeasefireWatchFactory.Iso(app.Now), ["reason"] = "Ceased." }),
            ($"/api/incidents/{incident.Id}/reopen", () => new() { ["reason"] = "Resumed." }),
            ($"/api/incidents/{incident.Id}/escalate", () => new() { ["reason"] = "Larger attack.", ["toStage"] = "Coalition" }),
            ($"/api/incidents/{incident.Id}/reports/{reportId}/verify", () => new() { ["details"] = "Confirmed." }),
            ("/api/incidents/999999/notes", () => new() { ["text"] = "Nobody home." }),
            ($"/api/incidents/{incident.Id}/verification", () => new() { ["status"] = "Verified", ["note"] = "Imagery." }),
            ($"/api/incidents/{incident.Id}/acknowledgements", () => new() { ["country"] = "France", ["state"] = "Acknowledged", ["note"] = "Paris." }),
            ($"/api/incidents/{incident.Id}/checklist", () => new() { ["item"] = "UkrainianForcesResponse", ["note"] = "Fire returned." }),
            ($"/api/incidents/{incident.Id}/larger-scale-review", () => new() { ["reason"] = "One shell." }),
            ($"/api/incidents/{incident.Id}/merge", () => new() { ["intoId"] = incident.Id + 1 }),
        };

        var random = new Random(Seed);
        var fingerprint = await FingerprintAsync(app);
        for (var i = 0; i < 2000; i++)
        {
            var (path, valid) = routes[random.Next(routes.Length)];
            using var content = new StringContent(MalformedJson(valid(), random), Encoding.UTF8, random.Next(20) == 0 ? "text/plain" : "application/json");
            using var response = await api.PostAsync(path, content, Ct);
            var status = (int)response.StatusCode;
            Assert.True(status < 500, $"Case {i}: {path} answered {status}: {await response.Content.ReadAsStringAsync(Ct)}");
            var after = await FingerprintAsync(app);
            if (status >= 400)
            {
                Assert.True(fingerprint == after, $"Case {i}: {path} was refused with {status} but wrote: {fingerprint} -> {after}");
            }

            fingerprint = after;
        }
    }

    [Fact]
    public async Task Generated_malformed_forms_get_no_5xx_and_a_refused_one_writes_nothing()
    {
        await using var app = new CeasefireWatchFactory();
        var incident = await app.LogIncidentAsync(app.CreateApiClient());
        var supervisor = await app.SignedInAsRoleAsync(Roles.Supervisor);
        var token = Browser.Token(await supervisor.GetHtmlAsync($"/Incidents/{incident.Id}"));
        var forms = new (string Action, string[] Fields)[]
        {
            ("/Incidents/New", ["Input.Title", "Input.OccurredAt", "Input.OccurredAtZone", "Input.Oblast", "Input.Location", "Input.ViolationType", "Input.Severity", "Input.SourceType", "Input.Killed", "Input.Wounded", "Input.Latitude", "Input.Longitude", "Input.Description"]),
            ($"/Incidents/{incident.Id}?handler=FollowUp", ["FollowUp.OccurredAt", "FollowUp.OccurredAtZone", "FollowUp.Oblast", "FollowUp.Location", "FollowUp.ViolationType", "FollowUp.Severity", "FollowUp.SourceType", "FollowUp.Killed"]),
            ($"/Incidents/{incident.Id}?handler=Note", ["Note.Text"]),
            ($"/Incidents/{incident.Id}?handler=Warning", ["Warning.Details"]),
            ($"/Incidents/{incident.Id}?handler=Resolve", ["Resolve.CeasedAt", "Resolve.CeasedAtZone", "Resolve.Reason"]),
            ($"/Incidents/{incident.Id}?handler=Reopen", ["Reopen.Reason"]),
            ($"/Incidents/{incident.Id}?handler=Escalate", ["Escalate.Reason", "Escalate.ToStage"]),
            ($"/Incidents/{incident.Id}?handler=Verify&reportId=abc", ["Verify.Details"]),
            ($"/Incidents/{incident.Id}?handler=Verification", ["Verification.Status", "Verification.Note"]),
            ($"/Incidents/{incident.Id}?handler=Answer", ["Answer.Country", "Answer.State", "Answer.Note"]),
            ($"/Incidents/{incident.Id}?handler=Checklist", ["Checklist.Item", "Checklist.Note"]),
            ($"/Incidents/{incident.Id}?handler=Merge&mergeId=999", []),
            ("/Account/SignIn", ["Input.Email", "Input.Password"]),
        };

        var random = new Random(Seed);
        var fingerprint = await FingerprintAsync(app);
        for (var i = 0; i < 1200; i++)
        {
            var (action, fields) = forms[random.Next(forms.Length)];
            var body = new StringBuilder();
            foreach (var field in fields.Where(_ => random.Next(4) > 0))
            {
                body.Append(Uri.EscapeDataString(field)).Append('=').Append(Uri.EscapeDataString(Pick(random))).Append('&');
            }

            body.Append(random.Next(6) switch
            {
                0 => "%zz=%&&=&",
                1 => "Input.Title=%00%00",
                2 => string.Empty,
                _ => "__RequestVerificationToken=" + Uri.EscapeDataString(token),
            });
            using var content = new StringContent(body.ToString(), Encoding.UTF8, "application/x-www-form-urlencoded");
            using var response = await supervisor.PostAsync(new Uri(action, UriKind.Relative), content, Ct);
            var status = (int)response.StatusCode;
            Assert.True(status < 500, $"Case {i}: {action} answered {status} to {body}");
            var after = await FingerprintAsync(app);
            if (status is 200 or >= 400)
            {
                // A page shown again (200) is a refusal with messages; only a redirect (302) may have written.
                Assert.True(fingerprint == after, $"Case {i}: {action} answered {status} but wrote: {fingerprint} -> {after}");
            }

            fingerprint = after;
        }
    }

    private static string Pick(Random random) => random.Next(3) == 0
        ? Junk[random.Next(Junk.Length)]
        : random.Next(2) == 0 ? "Shelling" : random.Next(100).ToString(CultureInfo.InvariantCulture);

    /// <summary>A valid body with one to three of its fields broken, or a body that is not a JSON object at all.</summary>
    private static string MalformedJson(Dictionary<string, object?> body, Random random)
    {
        switch (random.Next(12))
        {
            case 0: return "{\"title\": \"unterminated";
            case 1: return random.Next(2) == 0 ? string.Empty : "[]";
            case 2: return "\"just a string\"";
            case 3: return "{\"a\":" + new string('[', 200) + new string(']', 200) + "}";
        }

        var keys = body.Keys.ToList();
        for (var m = random.Next(1, 4); m > 0; m--)
        {
            var key = random.Next(5) == 0 ? "unexpected" + random.Next(3) : keys[random.Next(keys.Count)];
            body[key] = random.Next(9) switch
            {
                0 => null,
                1 => random.Next(-1_000_000, 1_000_000),
                2 => true,
                3 => new[] { 1, 2 },
                4 => new Dictionary<string, object> { ["nested"] = "x" },
                5 => -1e300,
                _ => Junk[random.Next(Junk.Length)],
            };
            if (random.Next(6) == 0)
            {
                body.Remove(key);
            }
        }

        var json = JsonSerializer.Serialize(body);
        return random.Next(10) == 0 ? json.Replace("\"", "\\ud800\"", StringComparison.Ordinal) : json;
    }

    /// <summary>Every table a request can write, by row count, and every incident's version.</summary>
    private static Task<string> FingerprintAsync(CeasefireWatchFactory app) => app.WithDbAsync(async db =>
        string.Join('/',
            await db.Incidents.CountAsync(Ct), await db.Incidents.SumAsync(i => i.Version, Ct), await db.TimelineEntries.CountAsync(Ct),
            await db.Reports.CountAsync(Ct), await db.Reports.CountAsync(r => r.VerifiedAt != null, Ct), await db.ApiKeys.CountAsync(Ct), await db.Users.CountAsync(Ct)));
}
