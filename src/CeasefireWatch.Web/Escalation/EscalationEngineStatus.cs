namespace CeasefireWatch.Web.Escalation;

/// <summary>What the engine last did, for the dashboard's health panel and logs. Thread-safe snapshots.</summary>
public sealed class EscalationEngineStatus
{
    private Snapshot current = new(null, null, null, null, 0);

    public Snapshot Current => Volatile.Read(ref current);

    internal void Ran(DateTime at, DateTime? nextWakeAt, StageFiring? latest, int entered) =>
        Update(seen => new Snapshot(at, nextWakeAt, latest ?? seen.LatestFiring, seen.LastError, seen.TiersEntered + entered));

    internal void Failed(string error) => Update(seen => seen with { LastError = error });

    /// <summary>
    /// A change the engine was not woken for (it looks again before <paramref name="deadline"/> anyway): the next
    /// deadline shown is the sooner of the two until the engine's next run reads it from the database.
    /// </summary>
    internal void Expect(DateTime deadline)
    {
        if (deadline != DateTime.MaxValue)
        {
            Update(seen => seen.NextWakeAt is { } next && next <= deadline ? seen : seen with { NextWakeAt = deadline });
        }
    }

    /// <summary>The engine and the requests' notifications both update it: a lost update would show a stale deadline.</summary>
    private void Update(Func<Snapshot, Snapshot> change)
    {
        while (true)
        {
            var seen = Volatile.Read(ref current);
            if (Interlocked.CompareExchange(ref current, change(seen), seen) == seen)
            {
                return;
            }
        }
    }

    public sealed record Snapshot(DateTime? LastRunAt, DateTime? NextWakeAt, StageFiring? LatestFiring, string? LastError, long TiersEntered);

    /// <summary>A tier the engine entered: how late after its due instant it was recorded.</summary>
    public sealed record StageFiring(string Reference, Domain.Stage Stage, DateTime DueAt, DateTime EnteredAt)
    {
        public TimeSpan Lateness => EnteredAt - DueAt;
    }
}
