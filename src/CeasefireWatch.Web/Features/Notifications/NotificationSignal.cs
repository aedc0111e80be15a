using System.Threading.Channels;

namespace CeasefireWatch.Web.Features.Notifications;

/// <summary>
/// Wakes the sender as soon as a save has put deliveries in the outbox, so a tier entered is announced at once
/// rather than at the sender's next planned look. Many wake-ups while it is busy collapse into one.
/// </summary>
public sealed class NotificationSignal
{
    private readonly Channel<bool> channel = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    public void Notify() => channel.Writer.TryWrite(true);

    /// <summary>Waits until <paramref name="delay"/> has passed on <paramref name="clock"/> or a wake-up arrives.</summary>
    public async Task WaitAsync(TimeSpan delay, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (channel.Reader.TryRead(out _))
        {
            return;
        }

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var notified = channel.Reader.WaitToReadAsync(cts.Token).AsTask();
        var elapsed = Task.Delay(delay, clock, cts.Token);
        await Task.WhenAny(notified, elapsed);
        await cts.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
        channel.Reader.TryRead(out _);
    }
}
