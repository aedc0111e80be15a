namespace CeasefireWatch.Web.Infrastructure;

/// <summary>
/// One reading of something costly that many requests would otherwise read for themselves: the dashboards' counts
/// (docs/performance.md: "dashboards at scale"), the notification rules every save consults. A reading is shared
/// while it is younger than its freshness and, when <see cref="Forget"/> is called (what it counts changed), read
/// again by the next caller; callers asking while it is being read wait for that reading rather than reading too.
/// </summary>
public class SharedReading<T>(TimeProvider clock, TimeSpan freshness) : IDisposable
    where T : class
{
    private readonly SemaphoreSlim reading = new(1, 1);
    private volatile Reading? last;
    private long changes;

    /// <summary>Something the reading counts has changed: the next page to ask reads it again.</summary>
    public void Forget() => Interlocked.Increment(ref changes);

    /// <summary>
    /// The shared reading, or a fresh one from <paramref name="read"/> when there is none, it is too old, something
    /// changed since, or <paramref name="stillApplies"/> says it was made for something else (another day).
    /// </summary>
    public async Task<T> ReadAsync(Func<Task<T>> read, CancellationToken cancellationToken, Func<T, bool>? stillApplies = null)
    {
        if (freshness <= TimeSpan.Zero)
        {
            return await read(); // not shared: every page reads its own, side by side
        }

        if (Current(stillApplies) is { } current)
        {
            return current;
        }

        await reading.WaitAsync(cancellationToken);
        try
        {
            if (Current(stillApplies) is { } meanwhile)
            {
                return meanwhile;
            }

            // The change count is taken before reading: a change committed while it reads makes the result stale at once.
            var asOf = Interlocked.Read(ref changes);
            var value = await read();
            last = new Reading(clock.GetUtcNow(), asOf, value);
            return value;
        }
        finally
        {
            reading.Release();
        }
    }

    public void Dispose()
    {
        reading.Dispose();
        GC.SuppressFinalize(this);
    }

    private T? Current(Func<T, bool>? stillApplies) =>
        last is { } l && l.Changes == Interlocked.Read(ref changes) && clock.GetUtcNow() - l.At < freshness
            && (stillApplies is null || stillApplies(l.Value))
            ? l.Value
            : null;

    private sealed record Reading(DateTimeOffset At, long Changes, T Value);
}
