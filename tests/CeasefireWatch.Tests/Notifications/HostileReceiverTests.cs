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
}
