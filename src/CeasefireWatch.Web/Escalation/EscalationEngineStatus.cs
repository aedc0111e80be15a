namespace CeasefireWatch.Web.Escalation;

/// <summary>What the engine last did, for the dashboard's health panel and logs. Thread-safe snapshots.</summary>
public sealed class EscalationEngineStatus
{
    private volatile Snapshot current = new(null, null, null, null, 0);

    public Snapshot Current => current;

    internal void Ran(DateTime at, DateTime? nextWakeAt, StageFiring? latest, int entered) =>
        current = new Snapshot(at, nextWakeAt, latest ?? current.LatestFiring, current.LastError, current.TiersEntered + entered);

    internal void Failed(string error) => current = current with { LastError = error };

    public sealed record Snapshot(DateTime? LastRunAt, DateTime? NextWakeAt, StageFiring? LatestFiring, string? LastError, long TiersEntered);

    /// <summary>A tier the engine entered: how late after its due instant it was recorded.</summary>
    public sealed record StageFiring(string Reference, Domain.Stage Stage, DateTime DueAt, DateTime EnteredAt)
    {
        public TimeSpan Lateness => EnteredAt - DueAt;
    }
}
