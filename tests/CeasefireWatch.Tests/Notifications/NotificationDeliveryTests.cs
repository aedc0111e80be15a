using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CeasefireWatch.Tests.Infrastructure;
using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Domain;
using CeasefireWatch.Web.Features.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static CeasefireWatch.Tests.Infrastructure.CeasefireWatchFactory;

namespace CeasefireWatch.Tests.Notifications;

/// <summary>
/// Notifications end to end: a real SMTP server and a real HTTP receiver on loopback ports, the app's own sender
/// delivering from its outbox. Each test runs its own app (rules would otherwise fire for each other's incidents).
/// </summary>
public sealed class NotificationDeliveryTests
{
    private const string Secret = "a shared secret, long enough";
    private const string PublicBaseUrl = "https://watch.example.org";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static CeasefireWatchFactory NewApp(
        LocalSmtpServer? smtp = null, string? databasePath = null, bool keepDatabase = false, IReadOnlyDictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Notifications:PublicBaseUrl"] = PublicBaseUrl,

            // The tests move the fake clock fast while they wait; a try in flight must not time out on it.
            ["Notifications:WebhookAttemptTimeout"] = "00:05:00",
        };
        foreach (var (key, value) in (smtp?.AppSettings ?? []).Concat(more ?? new Dictionary<string, string?>()))
        {
            settings[key] = value;
        }

        return databasePath is null
            ? new CeasefireWatchFactory { Settings = settings }
            : new CeasefireWatchFactory { Settings = settings, DatabasePath = databasePath, KeepDatabase = keepDatabase };
    }

    private static async Task<JsonElement> CreateRuleAsync(HttpClient api, object rule)
    {
        using var response = await api.PostAsJsonAsync("/api/notification-rules", rule, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>
    /// Waits for background delivery, moving the app's fake clock a quarter second per look so that retry delays
    /// (seconds on the app's clock) pass in milliseconds.
    /// </summary>
    private static Task WaitDeliveringAsync(CeasefireWatchFactory app, Func<Task<bool>> condition, string because) =>
        WaitUntilAsync(
            async () =>
            {
                if (await condition())
                {
                    return true;
                }

                app.Clock.Advance(TimeSpan.FromMilliseconds(250));
                app.Services.GetRequiredService<NotificationSignal>().Notify();
                return false;
            },
            TimeSpan.FromSeconds(30),
            because);

    /// <summary>Two webhook rules for every event: one to a receiver that never answers, one that answers 200; the good one's id.</summary>
    private static async Task<int> StuckAndGoodRulesAsync(HttpClient api, WebhookReceiver receiver)
    {
        await CreateRuleAsync(api, new { name = "Stuck hook", channel = "Webhook", target = receiver.HangingUrl, secret = Secret });
        return (await CreateRuleAsync(api, new { name = "Good hook", channel = "Webhook", target = receiver.Url, secret = Secret })).GetProperty("id").GetInt32();
    }

    private static Task<List<NotificationDelivery>> DeliveriesAsync(CeasefireWatchFactory app) =>
        app.WithDbAsync(db => db.Set<NotificationDelivery>().AsNoTracking().Include(d => d.Rule).OrderBy(d => d.CreatedAt).ToListAsync(Ct));

    private static string Hmac(byte[] body, string secret) =>
        "sha256=" + Convert.ToHexStringLower(new HMACSHA256(Encoding.UTF8.GetBytes(secret)).ComputeHash(body));

    [Fact]
    public async Task A_tier_entered_by_the_engine_sends_one_email_and_one_signed_webhook()
    {
        await using var smtp = LocalSmtpServer.Start();
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = NewApp(smtp);
        var api = app.CreateApiClient();
        await CreateRuleAsync(api, new { name = "Coalition desk", channel = "Email", target = "desk@coalition.example.org", stages = new[] { "Coalition" } });
        await CreateRuleAsync(api, new { name = "Liaison hook", channel = "Webhook", target = receiver.Url, stages = new[] { "Coalition" }, oblasts = new[] { "zaporizhzhia" }, secret = Secret });
        var t0 = app.Now.AddHours(-1);
        var incident = await app.LogIncidentAsync(api, t0);
        Assert.Empty(await DeliveriesAsync(app));

        // Tier 2 falls due at T0 + 24 h; the engine enters it and the same save queues both notifications.
        app.Clock.Advance(TimeSpan.FromHours(23));
        await app.WaitForEngineRunAsync(app.Now.UtcDateTime);
        await WaitDeliveringAsync(app, async () => (await DeliveriesAsync(app)).Count(d => d.Status == DeliveryStatus.Delivered) == 2, "both notifications are delivered");

        var mail = Assert.Single(smtp.Messages);
        Assert.Equal($"[CeasefireWatch] {incident.Reference} entered tier 2 Coalition · Zaporizhzhia", mail.Subject);
        Assert.Equal("desk@coalition.example.org", Assert.Single(mail.To.Mailboxes).Address);
        Assert.Equal("ceasefirewatch@example.org", Assert.Single(mail.From.Mailboxes).Address);
        Assert.Contains("2026-02-04 05:00:00Z", mail.TextBody, StringComparison.Ordinal);        // T0 in UTC
        Assert.Contains("2026-02-04 07:00 EET", mail.TextBody, StringComparison.Ordinal);        // and in Kyiv
        Assert.Contains("Tier 3 · US backstop at 2026-02-07 05:00:00Z", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("Still open at this tier: Leads (UK, France) acknowledged; Every member notified", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains($"{PublicBaseUrl}/Incidents/{incident.Id}", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains($"href=\"{PublicBaseUrl}/Incidents/{incident.Id}\"", mail.HtmlBody, StringComparison.Ordinal);

        var hook = Assert.Single(receiver.Received);
        var delivery = (await DeliveriesAsync(app)).Single(d => d.Rule!.Channel == NotificationChannel.Webhook);
        Assert.Equal(Hmac(hook.Body, Secret), hook.Header("X-CeasefireWatch-Signature"));
        Assert.NotEqual(Hmac(hook.Body, Secret + "x"), hook.Header("X-CeasefireWatch-Signature"));
        Assert.Equal("StageEntered", hook.Header("X-CeasefireWatch-Event"));
        Assert.Equal(delivery.Id.ToString(), hook.Header("X-CeasefireWatch-Delivery"));
        Assert.StartsWith("application/json", hook.Header("Content-Type"), StringComparison.Ordinal);

        using var body = JsonDocument.Parse(hook.Body);
        var json = body.RootElement;
        Assert.Equal(
            ["id", "event", "incidentId", "reference", "stage", "dueAt", "at", "oblast", "title"],
            json.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(delivery.Id, json.GetProperty("id").GetGuid());
        Assert.Equal("StageEntered", json.GetProperty("event").GetString());
        Assert.Equal(incident.Id, json.GetProperty("incidentId").GetInt32());
        Assert.Equal(incident.Reference, json.GetProperty("reference").GetString());
        Assert.Equal("Coalition", json.GetProperty("stage").GetString());
        Assert.Equal(t0.UtcDateTime.AddHours(24), json.GetProperty("dueAt").GetDateTime());
        Assert.Equal(DateTimeKind.Utc, json.GetProperty("at").GetDateTime().Kind);
        Assert.Equal("Zaporizhzhia", json.GetProperty("oblast").GetString());
        Assert.Equal(incident.Title, json.GetProperty("title").GetString());

        // The delivery log says the same.
        using var log = await api.GetAsync("/api/notifications", Ct);
        using var page = JsonDocument.Parse(await log.Content.ReadAsStringAsync(Ct));
        Assert.Equal(2, page.RootElement.GetProperty("total").GetInt32());
        var hookRow = page.RootElement.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("channel").GetString() == "Webhook");
        Assert.Equal("Liaison hook", hookRow.GetProperty("rule").GetString());
        Assert.Equal("StageEntered", hookRow.GetProperty("event").GetString());
        Assert.Equal(incident.Id, hookRow.GetProperty("incidentId").GetInt32());
        Assert.Equal(incident.Id, hookRow.GetProperty("incident").GetProperty("id").GetInt32());
        Assert.Equal(incident.Reference, hookRow.GetProperty("incident").GetProperty("reference").GetString());
        Assert.Equal("Delivered", hookRow.GetProperty("status").GetString());
        Assert.Equal(1, hookRow.GetProperty("attempts").GetInt32());
        Assert.Equal("HTTP 200 OK", hookRow.GetProperty("lastAnswer").GetString());
        Assert.Equal(JsonValueKind.String, hookRow.GetProperty("deliveredAt").ValueKind);
    }

    [Fact]
    public async Task A_receiver_failing_twice_gets_the_third_try_with_the_same_delivery_id_and_the_same_signed_body()
    {
        await using var receiver = await WebhookReceiver.StartAsync(null, 500, 503);
        await using var app = NewApp();
        var api = app.CreateApiClient();
        await CreateRuleAsync(api, new { name = "Flaky hook", channel = "Webhook", target = receiver.Url, stages = new[] { "Coalition" }, secret = Secret });
        var started = app.Now;

        // Logged 25 h late: the new incident enters tiers 1 and 2 in its first insert.
        var incident = await app.LogIncidentAsync(api, app.Now.AddHours(-25));
        Assert.Equal(Stage.Coalition, incident.Stage);
        await WaitDeliveringAsync(app, async () => (await DeliveriesAsync(app)).Any(d => d.Status == DeliveryStatus.Delivered), "the third try is delivered");

        var tries = receiver.Received.ToArray();
        Assert.Equal(3, tries.Length);
        var delivery = Assert.Single(await DeliveriesAsync(app));
        Assert.Equal(incident.Id, delivery.IncidentId);
        Assert.All(tries, t => Assert.Equal(delivery.Id.ToString(), t.Header("X-CeasefireWatch-Delivery")));
        Assert.All(tries, t => Assert.Equal(tries[0].Body, t.Body));
        Assert.All(tries, t => Assert.Equal(Hmac(t.Body, Secret), t.Header("X-CeasefireWatch-Signature")));
        Assert.Equal(3, delivery.Attempts);
        Assert.Equal("HTTP 200 OK", delivery.LastAnswer);

        // The third try came within a minute of the first (on the app's clock, which the retries wait on).
        Assert.True(delivery.DeliveredAt - started.UtcDateTime < TimeSpan.FromMinutes(1), $"Delivered at {delivery.DeliveredAt:O}, first try at {started:O}.");
    }

    /// <summary>
    /// A round of 16 lasted as long as its slowest receiver; one that hangs held every delivery that fell due meanwhile (a
    /// tier just entered) for its three tries' timeouts, and every delivery of the round was stamped when the round ended.
    /// Now each delivery goes out on its own send at once, and is stamped when it went out. The app's clock stands still
    /// here, so nothing times out: only a send running beside the stuck one can deliver.
    /// </summary>
    [Fact]
    public async Task A_receiver_that_never_answers_holds_up_no_other_delivery_and_each_is_stamped_when_it_went_out()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = NewApp();
        var api = app.CreateApiClient();
        var good = await StuckAndGoodRulesAsync(api, receiver);
        var signal = app.Services.GetRequiredService<NotificationSignal>();

        async Task<NotificationDelivery?> DeliveredAsync(int incidentId) =>
            (await DeliveriesAsync(app)).SingleOrDefault(d => d.IncidentId == incidentId && d.RuleId == good && d.Status == DeliveryStatus.Delivered);

        var firstAt = app.Now;
        var first = await app.LogIncidentAsync(api, firstAt);
        await WaitUntilAsync(async () => { signal.Notify(); return receiver.Hanging == 1 && await DeliveredAsync(first.Id) is not null; }, TimeSpan.FromSeconds(30), "the first incident's good delivery is recorded while the stuck one hangs");

        app.Clock.Advance(TimeSpan.FromMinutes(1));
        var secondAt = app.Now;
        var second = await app.LogIncidentAsync(api, secondAt);
        await WaitUntilAsync(async () => { signal.Notify(); return receiver.Hanging == 2 && await DeliveredAsync(second.Id) is not null; }, TimeSpan.FromSeconds(30), "the second incident's good delivery goes out beside the stuck sends");

        Assert.Equal(firstAt.UtcDateTime, (await DeliveredAsync(first.Id))!.DeliveredAt);
        Assert.Equal(secondAt.UtcDateTime, (await DeliveredAsync(second.Id))!.DeliveredAt);
        Assert.Equal(2, receiver.Received.Count);
        Assert.All((await DeliveriesAsync(app)).Where(d => d.RuleId != good), d => Assert.Equal((DeliveryStatus.Pending, 0), (d.Status, d.Attempts)));
    }

    /// <summary>
    /// A receiver that hangs, with more events for it than the sender has places: its deliveries would take every place
    /// in turn and hold the other rules' behind them. One rule takes at most its share.
    /// </summary>
    [Fact]
    public async Task A_receiver_that_never_answers_takes_no_more_than_its_share_of_the_places()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = NewApp();
        var api = app.CreateApiClient();
        var good = await StuckAndGoodRulesAsync(api, receiver);
        var signal = app.Services.GetRequiredService<NotificationSignal>();

        const int Incidents = NotificationSender.MaxInFlight + 4;
        for (var i = 0; i < Incidents; i++)
        {
            await app.LogIncidentAsync(api);
        }

        await WaitUntilAsync(
            async () =>
            {
                signal.Notify();
                return receiver.Hanging >= NotificationSender.MaxInFlightPerRule
                    && await app.WithDbAsync(db => db.Set<NotificationDelivery>().CountAsync(d => d.RuleId == good && d.Status == DeliveryStatus.Delivered, Ct)) == Incidents;
            },
            TimeSpan.FromSeconds(30),
            "every incident's good delivery goes out while the stuck receiver holds its own");
        Assert.Equal(NotificationSender.MaxInFlightPerRule, receiver.Hanging);
    }

    /// <summary>
    /// A failing receiver's retries come seconds apart; a rule deleted in between (the DELETE answered 204) got them all
    /// the same, since its send had read the rule before. The retries stop, and the delivery is failed for the deletion.
    /// </summary>
    [Fact]
    public async Task A_rule_deleted_between_two_tries_gets_no_further_try()
    {
        await using var receiver = await WebhookReceiver.StartAsync(null, 500, 500);
        await using var app = NewApp();
        var api = app.CreateApiClient();
        var rule = (await CreateRuleAsync(api, new { name = "Failing hook", channel = "Webhook", target = receiver.Url, secret = Secret })).GetProperty("id").GetInt32();
        var signal = app.Services.GetRequiredService<NotificationSignal>();

        await app.LogIncidentAsync(api);
        await WaitUntilAsync(() => { signal.Notify(); return Task.FromResult(!receiver.Received.IsEmpty); }, TimeSpan.FromSeconds(30), "the first try reached the receiver");
        using (var deleted = await api.DeleteAsync($"/api/notification-rules/{rule}", Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        // The retries' waits pass on the app's clock; the send ends without another try.
        await WaitDeliveringAsync(app, async () => (await DeliveriesAsync(app)).Single().Status == DeliveryStatus.Failed, "the delivery is failed");
        Assert.Single(receiver.Received);
        var delivery = Assert.Single(await DeliveriesAsync(app));
        Assert.Equal(1, delivery.Attempts);
        Assert.Contains("the rule was deleted", delivery.LastAnswer, StringComparison.Ordinal);
    }

    /// <summary>
    /// Found from outside: a rule deleted while its delivery waited in its back-off (20 s after a failed round, up to an
    /// hour later on) left the delivery "Pending" in the log, with a next try that would never come, until the sender
    /// reached it. The deletion fails its pending deliveries at once.
    /// </summary>
    [Fact]
    public async Task Deleting_a_rule_fails_its_deliveries_waiting_for_a_retry_at_once()
    {
        await using var receiver = await WebhookReceiver.StartAsync(null, 500, 500, 500);
        await using var app = NewApp();
        var api = app.CreateApiClient();
        var rule = (await CreateRuleAsync(api, new { name = "Failing hook", channel = "Webhook", target = receiver.Url, secret = Secret })).GetProperty("id").GetInt32();
        await app.LogIncidentAsync(api);
        await WaitDeliveringAsync(app, async () => (await DeliveriesAsync(app)).Single().Attempts == 3, "the failed round is recorded");
        Assert.Equal(DeliveryStatus.Pending, (await DeliveriesAsync(app)).Single().Status);

        using (var deleted = await api.DeleteAsync($"/api/notification-rules/{rule}", Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        using var log = await api.GetAsync("/api/notifications", Ct);
        using var page = JsonDocument.Parse(await log.Content.ReadAsStringAsync(Ct));
        var row = Assert.Single(page.RootElement.GetProperty("items").EnumerateArray());
        Assert.Equal("Failed", row.GetProperty("status").GetString());
        Assert.Equal(3, row.GetProperty("attempts").GetInt32());
        Assert.Equal(DeleteNotificationRule.NotTriedAgain, row.GetProperty("lastAnswer").GetString());
        Assert.Equal(JsonValueKind.Null, row.GetProperty("nextAttemptAt").ValueKind);

        // And nothing more is sent when its next try would have come.
        app.Clock.Advance(TimeSpan.FromMinutes(2));
        await app.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<NotificationSender>().Single().RunDueAsync(Ct);
        Assert.Equal(3, receiver.Received.Count);
    }

    [Fact]
    public async Task A_receiver_that_redirects_is_answered_as_not_delivered_and_the_redirect_is_not_followed()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = NewApp();
        var api = app.CreateApiClient();
        await CreateRuleAsync(api, new { name = "Moved hook", channel = "Webhook", target = receiver.RedirectingUrl, stages = new[] { "Coalition" }, secret = Secret });

        var incident = await app.LogIncidentAsync(api, app.Now.AddHours(-25));
        Assert.Equal(Stage.Coalition, incident.Stage);
        await WaitDeliveringAsync(app, async () => (await DeliveriesAsync(app)).SingleOrDefault() is { Attempts: > NotificationsRegistration.WebhookRetries }, "a whole round of tries is recorded");

        // The app's webhook client, as registered: a 307 is an answer but 2xx (retried, as CONTRACT.md says), and the
        // POST never went on to where the receiver pointed it.
        var delivery = Assert.Single(await DeliveriesAsync(app));
        Assert.NotEqual(DeliveryStatus.Delivered, delivery.Status);
        Assert.Equal("HTTP 307 Temporary Redirect", delivery.LastAnswer);
        Assert.Empty(receiver.Received);
    }

    [Fact]
    public async Task With_private_targets_turned_off_a_rule_made_before_is_never_called_and_its_log_says_why()
    {
        var database = NewDatabasePath();
        await using var receiver = await WebhookReceiver.StartAsync();
        try
        {
            // Made while the server still called private addresses (the default)...
            await using (var before = NewApp(databasePath: database, keepDatabase: true))
            {
                await CreateRuleAsync(before.CreateApiClient(), new { name = "Desk on this machine", channel = "Webhook", target = receiver.Url, stages = new[] { "Coalition" }, secret = Secret });
            }

            // ...and firing after the operator turned them off: refused where the connection is made, never sent.
            await using var app = NewApp(databasePath: database, keepDatabase: true,
                more: new Dictionary<string, string?> { ["Notifications:AllowPrivateWebhookTargets"] = "false" });
            var api = app.CreateApiClient();
            var incident = await app.LogIncidentAsync(api, app.Now.AddHours(-25));
            Assert.Equal(Stage.Coalition, incident.Stage);
            await WaitDeliveringAsync(app, async () => (await DeliveriesAsync(app)).SingleOrDefault() is { Attempts: > NotificationsRegistration.WebhookRetries }, "a whole round of tries is recorded");

            var delivery = Assert.Single(await DeliveriesAsync(app));
            Assert.NotEqual(DeliveryStatus.Delivered, delivery.Status);
            Assert.Contains("Notifications:AllowPrivateWebhookTargets is false", delivery.LastAnswer, StringComparison.Ordinal);
            Assert.Empty(receiver.Received);

            // A new rule naming it, or localhost, is refused when it is made, by its field; a public address is taken.
            foreach (var target in new[] { receiver.Url, $"http://localhost:{receiver.Port}/hook", "http://[::1]/hook", "http://10.20.30.40/hook" })
            {
                using var refused = await api.PostAsJsonAsync("/api/notification-rules", new { name = "Local", channel = "Webhook", target, secret = Secret }, Ct);
                var errors = await Problems.AssertValidationProblemAsync(refused, "target");
                Assert.Contains("AllowPrivateWebhookTargets", errors.GetProperty("target")[0].GetString(), StringComparison.Ordinal);
            }

            await CreateRuleAsync(api, new { name = "Public desk", channel = "Webhook", target = "https://hooks.example.org/cw", secret = Secret });
        }
        finally
        {
            DeleteDatabase(database);
        }
    }

    [Fact]
    public async Task A_delivery_pending_when_the_app_stops_is_delivered_once_after_the_restart()
    {
        var database = NewDatabasePath();
        var port = LocalSmtpServer.FreePort();
        Guid deliveryId;
        try
        {
            await using (var first = NewApp(databasePath: database, keepDatabase: true))
            {
                var api = first.CreateApiClient();
                await CreateRuleAsync(api, new { name = "Hook", channel = "Webhook", target = $"http://127.0.0.1:{port}/hook", stages = new[] { "Coalition" }, secret = Secret });

                // Nothing listens on the port yet: the tier is entered and the app stops before anyone heard of it.
                var incident = await first.LogIncidentAsync(api, first.Now.AddHours(-25));
                Assert.Equal(Stage.Coalition, incident.Stage);
                var pending = Assert.Single(await DeliveriesAsync(first));
                Assert.Equal(DeliveryStatus.Pending, pending.Status);
                deliveryId = pending.Id;
            }

            await using var receiver = await WebhookReceiver.StartAsync(port);
            await using var second = NewApp(databasePath: database, keepDatabase: true);
            _ = second.Services; // starts the host, and with it the sender
            await WaitDeliveringAsync(second, async () => (await DeliveriesAsync(second)).Single().Status == DeliveryStatus.Delivered, "the pending delivery goes out after the restart");

            var request = Assert.Single(receiver.Received);
            Assert.Equal(deliveryId.ToString(), request.Header("X-CeasefireWatch-Delivery"));
            Assert.Equal(Hmac(request.Body, Secret), request.Header("X-CeasefireWatch-Signature"));
            Assert.Single(await DeliveriesAsync(second));
        }
        finally
        {
            DeleteDatabase(database);
        }
    }

    [Fact]
    public async Task A_rule_for_tier_3_stays_silent_at_tier_2_and_speaks_at_tier_3()
    {
        await using var smtp = LocalSmtpServer.Start();
        await using var app = NewApp(smtp);
        var api = app.CreateApiClient();
        await CreateRuleAsync(api, new { name = "Backstop", channel = "Email", target = "backstop@example.org", stages = new[] { "UsBackstop" } });

        var incident = await app.LogIncidentAsync(api, app.Now.AddHours(-25));
        Assert.Equal(Stage.Coalition, incident.Stage);
        Assert.Empty(await DeliveriesAsync(app));

        app.Clock.Advance(TimeSpan.FromHours(48));
        await app.WaitForEngineRunAsync(app.Now.UtcDateTime);
        await WaitDeliveringAsync(app, async () => (await DeliveriesAsync(app)).Any(d => d.Status == DeliveryStatus.Delivered), "the tier-3 email is delivered");
        var mail = Assert.Single(smtp.Messages);
        Assert.Equal($"[CeasefireWatch] {incident.Reference} entered tier 3 UsBackstop · Zaporizhzhia", mail.Subject);
        Assert.Single(await DeliveriesAsync(app));
    }

    [Fact]
    public async Task Without_smtp_the_app_runs_and_an_email_delivery_says_smtp_is_not_configured()
    {
        await using var app = NewApp();
        var api = app.CreateApiClient();
        await CreateRuleAsync(api, new { name = "Desk", channel = "Email", target = "desk@example.org", stages = new[] { "UkrainianForces" } });

        var incident = await app.LogIncidentAsync(api);
        await WaitDeliveringAsync(app, async () => (await DeliveriesAsync(app)).Any(d => d.Attempts > 0), "the email was tried");

        var delivery = Assert.Single(await DeliveriesAsync(app));
        Assert.Equal(incident.Id, delivery.IncidentId);
        Assert.Equal(DeliveryStatus.Pending, delivery.Status);
        Assert.Equal(EmailChannel.NotConfigured, delivery.LastAnswer);
        Assert.Null(delivery.DeliveredAt);

        // Past the give-up age (24 h by default) it is marked failed, and stays in the log.
        app.Clock.Advance(TimeSpan.FromHours(25));
        await WaitDeliveringAsync(app, async () => (await DeliveriesAsync(app)).Single().Status == DeliveryStatus.Failed, "the delivery is given up");
    }

    [Fact]
    public async Task Resolving_and_reopening_notify_a_rule_for_all_tiers_and_deleting_the_rule_stops_it()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = NewApp();
        var api = app.CreateApiClient();
        var rule = await CreateRuleAsync(api, new { name = "All", channel = "Webhook", target = receiver.Url, secret = Secret });

        var incident = await app.LogIncidentAsync(api, app.Now.AddHours(-1));
        (await api.PostAsJsonAsync($"/api/incidents/{incident.Id}/resolve", new { reason = "Quiet." }, Ct)).EnsureSuccessStatusCode();
        (await api.PostAsJsonAsync($"/api/incidents/{incident.Id}/reopen", new { reason = "Fire resumed." }, Ct)).EnsureSuccessStatusCode();
        await WaitDeliveringAsync(app, async () => (await DeliveriesAsync(app)).Count(d => d.Status == DeliveryStatus.Delivered) == 3, "three events are delivered");
        Assert.Equal(["StageEntered", "Resolved", "Reopened"], receiver.Received.Select(r => r.Header("X-CeasefireWatch-Event")).Order(Comparer<string>.Create((a, b) => Rank(a) - Rank(b))).ToArray());

        using var deleted = await api.DeleteAsync($"/api/notification-rules/{rule.GetProperty("id").GetInt32()}", Ct);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        (await api.PostAsJsonAsync($"/api/incidents/{incident.Id}/resolve", new { reason = "Quiet again." }, Ct)).EnsureSuccessStatusCode();
        Assert.Equal(3, (await DeliveriesAsync(app)).Count);

        static int Rank(string kind) => kind switch { "StageEntered" => 0, "Resolved" => 1, _ => 2 };
    }

    [Fact]
    public async Task A_rule_added_or_deleted_between_two_reports_applies_from_the_very_next_report()
    {
        await using var app = NewApp();
        var api = app.CreateApiClient();

        // The rules in force are read once and shared: this report has them read (none) before the rule exists.
        var before = await app.LogIncidentAsync(api);
        var rule = await CreateRuleAsync(api, new { name = "All", channel = "Webhook", target = "https://hooks.example.org/in", secret = Secret });
        var after = await app.LogIncidentAsync(api);
        using (var deleted = await api.DeleteAsync($"/api/notification-rules/{rule.GetProperty("id").GetInt32()}", Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        var afterDeletion = await app.LogIncidentAsync(api);

        var deliveries = await DeliveriesAsync(app);
        var delivery = Assert.Single(deliveries);
        Assert.Equal(after.Id, delivery.IncidentId);
        Assert.DoesNotContain(deliveries, d => d.IncidentId == before.Id || d.IncidentId == afterDeletion.Id);
    }

    [Theory]
    [InlineData("Notifications:PublicBaseUrl", "watch.example.org")]
    [InlineData("Notifications:GiveUpAfter", "-00:01:00")]
    [InlineData("Notifications:Smtp:From", "not an address")]
    [InlineData("Notifications:Smtp:Port", "70000")]
    [InlineData("Notifications:AllowPrivateWebhookTargets", "maybe")]
    public async Task A_bad_setting_stops_the_app_at_start_naming_the_key(string key, string value)
    {
        await using var app = new CeasefireWatchFactory
        {
            Settings = new Dictionary<string, string?>
            {
                ["Notifications:Smtp:Host"] = "127.0.0.1",
                ["Notifications:Smtp:From"] = "cw@example.org",
                [key] = value,
            },
        };

        var error = Assert.ThrowsAny<Exception>(() => app.Services);

        Assert.Contains(key, error.ToString(), StringComparison.Ordinal);
    }
}
