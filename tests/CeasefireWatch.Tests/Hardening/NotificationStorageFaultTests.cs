using System.Net;
using System.Net.Http.Json;
using CeasefireWatch.Tests.Infrastructure;
using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Features.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CeasefireWatch.Tests.Hardening;

/// <summary>
/// Found from outside: with the database read-only or its disk full while a delivery was due, the receiver got the
/// delivery, the sender could not record it, and sent it again 5 s later, and again, for as long as the fault lasted
/// (an email every 5 s to the same person for a night's full disk). What a receiver answered is kept until it can be
/// recorded: the delivery goes out once, and is recorded once the storage takes writes again.
/// </summary>
[Trait("Database", "SqliteOnly")]
public sealed class NotificationStorageFaultTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// Read-only: a full disk refuses the same way (a StorageFailure), but recording a delivery rewrites its row in place,
    /// which a database file at its page limit can still take, so the fault is not reproducible with it here.
    /// </summary>
    [Fact]
    public async Task A_delivery_that_cannot_be_recorded_is_not_sent_again_and_is_recorded_once_storage_returns()
    {
        var faults = new StorageFaults();
        await using var receiver = await WebhookReceiver.StartAsync(null, 500, 500, 500);
        await using var app = new CeasefireWatchFactory
        {
            Settings = new Dictionary<string, string?> { ["Notifications:WebhookAttemptTimeout"] = "00:05:00" },
            TestServices = services => services.AddSingleton<IInterceptor>(faults),
        };
        var api = app.CreateApiClient();
        using (var rule = await api.PostAsJsonAsync("/api/notification-rules", new
        {
            name = "Hook", channel = "Webhook", target = receiver.Url, stages = new[] { "UkrainianForces" }, secret = "a shared secret, long enough",
        }, Ct))
        {
            Assert.Equal(HttpStatusCode.Created, rule.StatusCode);
        }

        var sender = app.Services.GetServices<IHostedService>().OfType<NotificationSender>().Single();
        Task<NotificationDelivery> DeliveryAsync() => app.WithDbAsync(db => db.Set<NotificationDelivery>().AsNoTracking().SingleAsync(Ct));

        // A first round fails (three 500s) and is recorded: the next try is due 20 s later.
        await app.LogIncidentAsync(api);
        await CeasefireWatchFactory.WaitUntilAsync(
            async () =>
            {
                // The round's 2 s and 4 s waits pass on the app's clock while the sender's own loop sends.
                app.Clock.Advance(TimeSpan.FromMilliseconds(250));
                app.Services.GetRequiredService<NotificationSignal>().Notify();
                return (await DeliveryAsync()).Attempts == 3;
            },
            because: "the first round is recorded");

        // The storage refuses writes; the next try is answered 200 and cannot be recorded; the sender looks again and again.
        faults.Current = StorageFaults.Fault.ReadOnly;
        for (var look = 0; look < 6; look++)
        {
            app.Clock.Advance(TimeSpan.FromSeconds(21));
            await sender.RunDueAsync(Ct);
        }

        Assert.Equal(4, receiver.Received.Count);
        Assert.Equal(DeliveryStatus.Pending, (await DeliveryAsync()).Status);

        // Storage is back: the answer already had is recorded, without another POST.
        faults.Current = StorageFaults.Fault.None;
        app.Clock.Advance(TimeSpan.FromSeconds(21));
        await sender.RunDueAsync(Ct);

        var delivery = await DeliveryAsync();
        Assert.Equal((DeliveryStatus.Delivered, 4, "HTTP 200 OK"), (delivery.Status, delivery.Attempts, delivery.LastAnswer));
        Assert.Equal(4, receiver.Received.Count);
    }
}
