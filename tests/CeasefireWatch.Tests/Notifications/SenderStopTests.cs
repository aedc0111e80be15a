using System.Net;
using System.Net.Http.Json;
using CeasefireWatch.Tests.Infrastructure;
using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Features.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CeasefireWatch.Tests.Notifications;

/// <summary>
/// The app told to stop (a deploy, <c>systemctl restart</c>) while a send it had already got a 200 for was being recorded:
/// the record was cancelled with the send, the delivery stayed pending, and the receiver got it again after the restart.
/// An answer in hand is recorded before the sender stops.
/// </summary>
public sealed class SenderStopTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Holds the save that marks a delivery delivered until the test lets it go.</summary>
    private sealed class HeldRecord : SaveChangesInterceptor
    {
        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(
            DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            if (eventData.Context!.ChangeTracker.Entries<NotificationDelivery>().Any(d => d.State == EntityState.Modified && d.Entity.Status == DeliveryStatus.Delivered))
            {
                Reached.TrySetResult();
                await Release.Task;
            }

            return result;
        }
    }

    [Fact]
    public async Task A_delivery_answered_200_is_recorded_when_the_app_stops_while_recording_it()
    {
        var held = new HeldRecord();
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = new CeasefireWatchFactory { TestServices = s => s.AddSingleton<IInterceptor>(held) };
        var api = app.CreateApiClient();
        using (var rule = await api.PostAsJsonAsync("/api/notification-rules", new
        {
            name = "Hook", channel = "Webhook", target = receiver.Url, stages = new[] { "UkrainianForces" }, secret = "a shared secret, long enough",
        }, Ct))
        {
            Assert.Equal(HttpStatusCode.Created, rule.StatusCode);
        }

        await app.LogIncidentAsync(api);
        await held.Reached.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Single(receiver.Received);

        // The host stops the sender (its stopping token is cancelled at once); the record then goes on.
        var sender = app.Services.GetServices<IHostedService>().OfType<NotificationSender>().Single();
        var stopping = sender.StopAsync(CancellationToken.None);
        held.Release.SetResult();
        await stopping.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        var delivery = await app.WithDbAsync(db => db.Set<NotificationDelivery>().AsNoTracking().SingleAsync(Ct));
        Assert.Equal((DeliveryStatus.Delivered, 1, "HTTP 200 OK"), (delivery.Status, delivery.Attempts, delivery.LastAnswer));
    }
}
