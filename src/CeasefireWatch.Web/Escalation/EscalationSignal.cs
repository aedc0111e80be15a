using System.Threading.Channels;

namespace CeasefireWatch.Web.Escalation;

/// <summary>
/// Wakes the escalation engine early when incidents change, so a new deadline sooner than the one it
/// sleeps towards is not missed. Many notifications while it is busy collapse into one wake-up.
/// </summary>
public sealed class EscalationSignal
{
    private readonly Channel<bool> channel = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    public void Notify() => channel.Writer.TryWrite(true);

    /// <summary>Waits until <paramref name="delay"/> has passed on <paramref name="clock"/> or a notification arrives.</summary>
    /// <returns>True when woken by a notification.</returns>
    public async Task<bool> WaitAsync(TimeSpan delay, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (channel.Reader.TryRead(out _))
        {
            return true;
        }

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var notified = channel.Reader.WaitToReadAsync(cts.Token).AsTask();
        var elapsed = Task.Delay(delay, clock, cts.Token);
        var first = await Task.WhenAny(notified, elapsed);
        await cts.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
        return first == notified && channel.Reader.TryRead(out _);
    }
}
