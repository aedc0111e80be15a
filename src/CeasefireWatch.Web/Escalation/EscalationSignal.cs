using System.Threading.Channels;

namespace CeasefireWatch.Web.Escalation;

/// <summary>
/// Wakes the escalation engine early when incidents change, so a new deadline sooner than the one it
/// sleeps towards is not missed. Many notifications while it is busy collapse into one wake-up.
/// <para>
/// A change that says how soon its incidents can fall due (<see cref="Notify(DateTime)"/>) does not wake an engine
/// that will look again by then anyway: a new report's first deadline is a day away, and waking the engine for each
/// one cost a query per report under load (docs/performance.md). The engine publishes when it will look
/// (<see cref="WillLookAt"/>) only after it has read the earliest deadline, and withdraws it
/// (<see cref="Planning"/>) before reading: a change committed too late for that read always finds either
/// "planning" (and wakes it) or the new plan, which already counts the change's deadline or comes before it.
/// </para>
/// </summary>
public sealed class EscalationSignal
{
    private readonly Channel<bool> channel = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    /// <summary>UTC ticks, on the engine's clock, of its next look on its own; <see cref="long.MaxValue"/> while it plans (every change wakes it).</summary>
    private long nextLook = long.MaxValue;

    /// <summary>Wakes the engine: something changed that may bring a deadline earlier.</summary>
    public void Notify() => channel.Writer.TryWrite(true);

    /// <summary>
    /// Wakes the engine unless it will look again at or before <paramref name="noDeadlineBefore"/> on its own (UTC):
    /// the changed incidents fall due no sooner than that.
    /// </summary>
    /// <returns>True when it woke the engine.</returns>
    public bool Notify(DateTime noDeadlineBefore)
    {
        if (noDeadlineBefore.Ticks >= Volatile.Read(ref nextLook))
        {
            return false;
        }

        Notify();
        return true;
    }

    /// <summary>The engine is about to read what is due: every change wakes it until it says when it will look.</summary>
    internal void Planning() => Interlocked.Exchange(ref nextLook, long.MaxValue);

    /// <summary>The engine has read the earliest deadline and will look again at <paramref name="instant"/> (UTC).</summary>
    internal void WillLookAt(DateTime instant) => Interlocked.Exchange(ref nextLook, instant.Ticks);

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
