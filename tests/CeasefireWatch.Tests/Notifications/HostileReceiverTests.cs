using System.Net;
using System.Net.Http.Json;
using CeasefireWatch.Tests.Infrastructure;
using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Features.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static CeasefireWatch.Tests.Infrastructure.CeasefireWatchFactory;

namespace CeasefireWatch.Tests.Notifications;

/// <summary>
/// Found from outside, with receivers a Supervisor may point a webhook at: what one of them answers must neither stall
/// its delivery nor keep the sender from recording it.
/// </summary>
public sealed class HostileReceiverTests
{
    private const string Secret = "a shared secret, long enough";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static CeasefireWatchFactory NewApp(DatabaseProvider? provider = null)
    {
        var settings = new Dictionary<string, string?> { ["Notifications:WebhookAttemptTimeout"] = "00:05:00" };
        return provider is { } chosen ? new CeasefireWatchFactory { Provider = chosen, Settings = settings } : new CeasefireWatchFactory { Settings = settings };
    }

    private static async Task CreateRuleAsync(HttpClient api, string target)
    {
        using var response = await api.PostAsJsonAsync(
            "/api/notification-rules", new { name = "Hook", channel = "Webhook", target, stages = new[] { "Coalition" }, secret = Secret }, Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Ct));
    }

    private static Task<NotificationDelivery?> DeliveryAsync(CeasefireWatchFactory app) =>
        app.WithDbAsync(db => db.Set<NotificationDelivery>().AsNoTracking().SingleOrDefaultAsync(Ct));

    /// <summary>Waits, moving the app's clock a quarter second per look (the retries' waits are on it).</summary>
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

    /// <summary>
    /// A receiver whose status line carries a NUL, a terminal escape and a bell: .NET refuses the answer and says so,
    /// quoting the phrase. That text went into the delivery's last answer as it was: PostgreSQL cannot store a NUL, so the
    /// outcome was never recorded, the delivery stayed pending with no try counted, the sender paused every delivery
    /// for 5 s and sent this one again, for ever (a round of three POSTs every 5 s); and the escape went to the log.
    /// </summary>
    [Theory]
    [InlineData(null)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_status_line_with_control_characters_is_recorded_printable_and_not_sent_again_and_again(DatabaseProvider? provider)
    {
        if (provider == DatabaseProvider.Postgres)
        {
            TestPostgres.RequireServer();
        }

        await using var receiver = RawHttpReceiver.Start("HTTP/1.1 500 Bad\0\u001b[31mRED\u0007\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        await using var app = NewApp(provider);
        var api = app.CreateApiClient();
        await CreateRuleAsync(api, receiver.Url);

        await app.LogIncidentAsync(api, app.Now.AddHours(-25));
        await WaitDeliveringAsync(app, async () => await DeliveryAsync(app) is { Attempts: > 0 }, "the round of tries is recorded");

        var delivery = (await DeliveryAsync(app))!;
        Assert.Equal(DeliveryStatus.Pending, delivery.Status);
        Assert.Equal(NotificationsRegistration.WebhookRetries + 1, delivery.Attempts);
        Assert.Equal(NotificationsRegistration.WebhookRetries + 1, receiver.Requests);
        Assert.Contains("Bad", delivery.LastAnswer, StringComparison.Ordinal);
        Assert.DoesNotContain(delivery.LastAnswer!, char.IsControl);
        Assert.Equal(delivery.LastAttemptAt + NotificationSender.Backoff(delivery.Attempts), delivery.NextAttemptAt);
    }

    /// <summary>
    /// A 429 or 503 with <c>Retry-After: 3600</c>: the HTTP client's retry waited the hour inside the send, so the delivery
    /// showed no try at all, its place stayed taken (four such answers took all of a rule's), and the contract's third
    /// attempt within a minute never came. The quick retries keep their 2 s and 4 s; the receiver's wish is honoured
    /// by the stored schedule once the round has failed.
    /// </summary>
    [Fact]
    public async Task A_retry_after_of_an_hour_does_not_hold_the_round_of_tries()
    {
        await using var receiver = await WebhookReceiver.StartAsync(null, 429);
        receiver.RetryAfter = "3600";
        await using var app = NewApp();
        var api = app.CreateApiClient();
        await CreateRuleAsync(api, receiver.Url);
        var started = app.Now;

        await app.LogIncidentAsync(api, app.Now.AddHours(-25));
        await WaitDeliveringAsync(app, async () => await DeliveryAsync(app) is { Status: DeliveryStatus.Delivered }, "the second try, 2 s later, is delivered");

        var delivery = (await DeliveryAsync(app))!;
        Assert.Equal(2, delivery.Attempts);
        Assert.Equal(2, receiver.Received.Count);
        Assert.True(delivery.DeliveredAt - started.UtcDateTime < TimeSpan.FromMinutes(1), $"Delivered at {delivery.DeliveredAt:O}, first try at {started:O}.");
    }

    [Theory]
    [InlineData("120", 120)]
    [InlineData("86400", 3600)]
    public async Task After_a_failed_round_the_next_try_waits_for_the_receivers_retry_after_up_to_an_hour(string retryAfter, int waitSeconds)
    {
        await using var receiver = await WebhookReceiver.StartAsync(null, 503, 503, 503);
        receiver.RetryAfter = retryAfter;
        await using var app = NewApp();
        var api = app.CreateApiClient();
        await CreateRuleAsync(api, receiver.Url);

        await app.LogIncidentAsync(api, app.Now.AddHours(-25));
        await WaitDeliveringAsync(app, async () => await DeliveryAsync(app) is { Attempts: > 0 }, "the round of tries is recorded");

        var delivery = (await DeliveryAsync(app))!;
        Assert.Equal((DeliveryStatus.Pending, 3), (delivery.Status, delivery.Attempts));
        Assert.Equal(delivery.LastAttemptAt + TimeSpan.FromSeconds(waitSeconds), delivery.NextAttemptAt);
    }
}
