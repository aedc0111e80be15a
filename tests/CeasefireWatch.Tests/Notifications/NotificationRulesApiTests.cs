using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CeasefireWatch.Tests.Infrastructure;
using CeasefireWatch.Web.Data;
using Microsoft.EntityFrameworkCore;
using static CeasefireWatch.Tests.Infrastructure.Problems;

namespace CeasefireWatch.Tests.Notifications;

/// <summary>
/// <c>/api/notification-rules</c>: what a rule takes, what it shows back (never the secret), and every bad rule
/// refused with a message by its field and nothing stored.
/// </summary>
public sealed class NotificationRulesApiTests(CeasefireWatchFactory app) : IClassFixture<CeasefireWatchFactory>
{
    private readonly HttpClient api = app.CreateApiClient();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<int> RuleCountAsync() => app.WithDbAsync(db => db.Set<NotificationRule>().CountAsync(Ct));

    [Fact]
    public async Task A_webhook_rule_is_created_with_canonical_names_and_its_secret_is_never_shown_back()
    {
        using var created = await api.PostAsJsonAsync("/api/notification-rules", new
        {
            name = "  Liaison hook ",
            channel = "webhook",
            target = "https://hooks.example.org/cw",
            stages = new[] { "usbackstop", "Coalition", "Coalition" },
            oblasts = new[] { "kharkiv", "Kyiv City" },
            secret = "s3cret-s3cret-s3cret",
        }, Ct);
        var text = await created.Content.ReadAsStringAsync(Ct);
        Assert.True(created.StatusCode == HttpStatusCode.Created, text);
        using var json = JsonDocument.Parse(text);
        var rule = json.RootElement;
        var id = rule.GetProperty("id").GetInt32();
        Assert.Equal($"/api/notification-rules/{id}", created.Headers.Location?.OriginalString);
        Assert.Equal("Liaison hook", rule.GetProperty("name").GetString());
        Assert.Equal("Webhook", rule.GetProperty("channel").GetString());
        Assert.Equal("https://hooks.example.org/cw", rule.GetProperty("target").GetString());
        Assert.Equal(["Coalition", "UsBackstop"], rule.GetProperty("stages").EnumerateArray().Select(s => s.GetString()).ToArray());
        Assert.Equal(["Kharkiv", "Kyiv City"], rule.GetProperty("oblasts").EnumerateArray().Select(s => s.GetString()).ToArray());
        Assert.True(rule.GetProperty("hasSecret").GetBoolean());
        Assert.DoesNotContain("s3cret", text, StringComparison.Ordinal);

        var list = await api.GetStringAsync("/api/notification-rules", Ct);
        Assert.Contains("\"Liaison hook\"", list, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", list, StringComparison.Ordinal);

        // The Location leads to the rule, shown as the 201 showed it.
        var one = await api.GetStringAsync(created.Headers.Location, Ct);
        Assert.Equal(text, one);

        using var deleted = await api.DeleteAsync($"/api/notification-rules/{id}", Ct);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.DoesNotContain("\"Liaison hook\"", await api.GetStringAsync("/api/notification-rules", Ct), StringComparison.Ordinal);
        using var again = await api.DeleteAsync($"/api/notification-rules/{id}", Ct);
        await AssertProblemAsync(again, HttpStatusCode.NotFound);
        await AssertProblemAsync(await api.GetAsync(created.Headers.Location, Ct), HttpStatusCode.NotFound);
    }

    // A rule sends incident data to an address of the supervisor's choosing: who made it, where it pointed and who
    // deleted it are in the security log, by the key's name when a pipeline did it.
    [Fact]
    public async Task Making_and_deleting_a_rule_is_in_the_security_log_with_who_did_it()
    {
        var name = $"rules-{Guid.NewGuid():N}"[..20];
        var cleaner = app.CreateApiClient(await app.CreateApiKeyAsync(Web.Infrastructure.Security.Roles.Supervisor, name));
        using var created = await api.PostAsJsonAsync("/api/notification-rules", new
        {
            name = "Audit hook", channel = "Webhook", target = "https://audit.example.org/hook", secret = "s3cret-s3cret-s3cret",
        }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetInt32();

        using var deleted = await cleaner.DeleteAsync($"/api/notification-rules/{id}", Ct);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        var events = await app.WithDbAsync(db => db.SecurityEvents.AsNoTracking().ToListAsync(Ct));
        var made = Assert.Single(events, e => e.Kind.ToString() == "NotificationRuleCreated" && e.Subject == "Audit hook");
        Assert.Equal("bootstrap", made.Actor);
        Assert.Contains("https://audit.example.org/hook", made.Details, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", made.Details, StringComparison.Ordinal);
        var gone = Assert.Single(events, e => e.Kind.ToString() == "NotificationRuleDeleted" && e.Subject == "Audit hook");
        Assert.Equal(name, gone.Actor);
    }

    [Fact]
    public async Task An_email_rule_for_all_tiers_and_oblasts_needs_no_secret()
    {
        using var created = await api.PostAsJsonAsync("/api/notification-rules", new { name = "Duty officer", channel = "Email", target = "duty@example.org" }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var json = JsonDocument.Parse(await created.Content.ReadAsStringAsync(Ct));
        Assert.Empty(json.RootElement.GetProperty("stages").EnumerateArray());
        Assert.Empty(json.RootElement.GetProperty("oblasts").EnumerateArray());
        Assert.False(json.RootElement.GetProperty("hasSecret").GetBoolean());
    }

    public static TheoryData<string, string> BadRules => new()
    {
        { """{"name":"x","channel":"Email","target":"not-an-address"}""", "target" },
        { """{"name":"x","channel":"Email","target":"two@example.org, three@example.org"}""", "target" },
        { """{"name":"x","channel":"Email","target":"https://example.org/"}""", "target" },
        { """{"name":"x","channel":"Webhook","target":"desk@example.org","secret":"0123456789abcdef"}""", "target" },
        { """{"name":"x","channel":"Webhook","target":"ftp://files.example.org/x","secret":"0123456789abcdef"}""", "target" },
        { """{"name":"x","channel":"Webhook","target":"/relative/path","secret":"0123456789abcdef"}""", "target" },
        { """{"name":"x","channel":"Webhook","target":"file:///etc/passwd","secret":"0123456789abcdef"}""", "target" },
        { """{"name":"x","channel":"Webhook","target":"http://169.254.169.254/latest/meta-data/","secret":"0123456789abcdef"}""", "target" },
        { """{"name":"x","channel":"Webhook","target":"http://[fe80::1]:8080/hook","secret":"0123456789abcdef"}""", "target" },
        { """{"name":"x","channel":"Webhook","target":"http://[::ffff:169.254.169.254]/","secret":"0123456789abcdef"}""", "target" },
        { """{"name":"x","channel":"Webhook","target":"http://[64:ff9b::a9fe:a9fe]/","secret":"0123456789abcdef"}""", "target" },
        // Found from outside: taken, stored with the line break or space, and POSTed to an address percent-encoded from it.
        { """{"name":"x","channel":"Webhook","target":"https://hooks.example.org/in\r\nX-Injected: 1","secret":"0123456789abcdef"}""", "target" },
        { """{"name":"x","channel":"Webhook","target":"https://hooks.example.org/my hook","secret":"0123456789abcdef"}""", "target" },
        { """{"name":"x","channel":"Webhook","target":"https://hooks.example.org/\tin","secret":"0123456789abcdef"}""", "target" },
        { """{"name":"x","channel":"Webhook","target":"https://hooks.example.org/"}""", "secret" },
        { """{"name":"x","channel":"Webhook","target":"https://hooks.example.org/","secret":"short"}""", "secret" },
        { """{"name":"x","channel":"Email","target":"a@example.org","stages":["Tier4"]}""", "stages" },
        { """{"name":"x","channel":"Email","target":"a@example.org","stages":["2"]}""", "stages" },
        { """{"name":"x","channel":"Email","target":"a@example.org","oblasts":["Atlantis"]}""", "oblasts" },
        { """{"name":"x","channel":"Sms","target":"a@example.org"}""", "channel" },
        { """{"name":"x","target":"a@example.org"}""", "channel" },
        { """{"channel":"Email","target":"a@example.org"}""", "name" },
        // Found from outside: taken, and the name goes into every delivery's log line ("… by rule {Rule}"): a line break
        // there forges a line of the log.
        { """{"name":"Desk\n[19:00:00 INF] Delivered nothing","channel":"Email","target":"a@example.org"}""", "name" },
        { """{"name":"x","channel":"Email"}""", "target" },
    };

    [Theory]
    [MemberData(nameof(BadRules))]
    public async Task A_bad_rule_is_refused_with_a_message_by_its_field_and_nothing_is_stored(string body, string field)
    {
        var before = await RuleCountAsync();
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");

        using var response = await api.PostAsync("/api/notification-rules", content, Ct);

        await AssertValidationProblemAsync(response, field);
        Assert.Equal(before, await RuleCountAsync());
    }

    [Fact]
    public async Task A_webhook_url_with_a_space_or_a_line_break_is_refused_with_one_message_saying_so()
    {
        using var response = await api.PostAsJsonAsync(
            "/api/notification-rules", new { name = "x", channel = "Webhook", target = "https://hooks.example.org/my hook", secret = "0123456789abcdef" }, Ct);

        var errors = await AssertValidationProblemAsync(response, "target");
        var message = Assert.Single(errors.GetProperty("target").EnumerateArray()).GetString();
        Assert.Contains("space or a line break", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_delivery_log_pages_are_checked()
    {
        using var response = await api.GetAsync("/api/notifications?page=0&pageSize=500", Ct);
        await AssertValidationProblemAsync(response, "page", "pageSize");
    }
}
