using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using CeasefireWatch.Tests.Infrastructure;
using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Features.Notifications;
using Microsoft.EntityFrameworkCore;
using static CeasefireWatch.Tests.Infrastructure.CeasefireWatchFactory;

namespace CeasefireWatch.Tests.Notifications;

/// <summary>
/// An SMTP server that never finishes its greeting but sends a line now and then (a tarpit, a broken relay): each line
/// resets MailKit's 30 s read timeout, so without a limit on the whole exchange the send, and its rule's place among the
/// sender's concurrent sends, was held for as long as the server kept talking.
/// </summary>
public sealed class SlowSmtpTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_SMTP_server_that_never_finishes_talking_is_given_up_after_the_send_limit_and_tried_again_later()
    {
        await using var tarpit = SmtpTarpit.Start();
        await using var app = new CeasefireWatchFactory
        {
            Settings = new Dictionary<string, string?>
            {
                ["Notifications:Smtp:Host"] = "127.0.0.1",
                ["Notifications:Smtp:Port"] = tarpit.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Notifications:Smtp:From"] = "ceasefirewatch@example.org",
                ["Notifications:Smtp:SecureSocketOptions"] = "None",
            },
        };
        var api = app.CreateApiClient();
        using (var rule = await api.PostAsJsonAsync(
            "/api/notification-rules", new { name = "Desk", channel = "Email", target = "desk@example.org", stages = new[] { "Coalition" } }, Ct))
        {
            Assert.Equal(HttpStatusCode.Created, rule.StatusCode);
        }

        // Logged 25 h after its first violation: tier 2 is entered at once, and its email queued.
        await app.LogIncidentAsync(api, app.Now.AddHours(-25));
        await WaitUntilAsync(() => Task.FromResult(tarpit.Connections > 0), TimeSpan.FromSeconds(30), "the sender connects to the server");
        Assert.Null((await DeliveryAsync(app))!.LastAnswer);

        app.Clock.Advance(EmailChannel.SendLimit);
        await WaitUntilAsync(async () => await DeliveryAsync(app) is { Attempts: > 0 }, TimeSpan.FromSeconds(30), "the try is given up and recorded");

        var delivery = (await DeliveryAsync(app))!;
        Assert.Equal(DeliveryStatus.Pending, delivery.Status);
        Assert.Equal(1, delivery.Attempts);
        Assert.Contains("did not finish within 2 min", delivery.LastAnswer, StringComparison.Ordinal);
        Assert.True(delivery.NextAttemptAt > app.Now.UtcDateTime, "a later try is scheduled");
    }

    private static Task<NotificationDelivery?> DeliveryAsync(CeasefireWatchFactory app) =>
        app.WithDbAsync(db => db.Set<NotificationDelivery>().AsNoTracking().SingleOrDefaultAsync(Ct));

    /// <summary>Accepts connections and sends each a continued greeting line ("220-") every 200 ms, never the last one.</summary>
    private sealed class SmtpTarpit : IAsyncDisposable
    {
        private readonly TcpListener listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource stop = new();
        private readonly List<Task> talking = [];
        private readonly Task accepting;
        private int connections;

        private SmtpTarpit()
        {
            listener.Start();
            Port = ((IPEndPoint)listener.LocalEndpoint).Port;
            accepting = AcceptAsync();
        }

        public int Port { get; }

        public int Connections => Volatile.Read(ref connections);

        public static SmtpTarpit Start() => new();

        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            listener.Stop();
            await Task.WhenAll([accepting, .. talking]).ContinueWith(_ => { }, TaskScheduler.Default);
            stop.Dispose();
        }

        private async Task AcceptAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                var client = await listener.AcceptTcpClientAsync(stop.Token);
                Interlocked.Increment(ref connections);
                talking.Add(TalkAsync(client));
            }
        }

        private async Task TalkAsync(TcpClient client)
        {
            using (client)
            {
                var stream = client.GetStream();
                var line = Encoding.ASCII.GetBytes("220-still getting ready\r\n");
                while (!stop.IsCancellationRequested)
                {
                    await stream.WriteAsync(line, stop.Token);
                    await Task.Delay(200, stop.Token);
                }
            }
        }
    }
}
