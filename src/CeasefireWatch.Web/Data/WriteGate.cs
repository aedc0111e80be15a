namespace CeasefireWatch.Web.Data;

/// <summary>
/// One in-process queue for the app's busiest writers (the incident intake's group commits, the escalation
/// engine's batches and imports). SQLite lets one writer in at a time; a second writer that meets the lock waits in SQLite's
/// busy handler, which SLEEPS (1, 2, 5, 10 … 100 ms) rather than waking when the lock is free. Measured under 32
/// posting clients that sleeping was most of a report's latency and of a tier's lateness (docs/performance.md).
/// Waiting here instead wakes the next writer the moment the previous one commits. Other writers (rare: an API key's
/// last use, the health probe) still meet SQLite's busy timeout, which stays the safety net. On a server database
/// (PostgreSQL) the gate is harmless: it only orders this process's two batch writers.
/// </summary>
public sealed class WriteGate : IDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);

    /// <summary>Waits for the turn to write; dispose the answer to give it up.</summary>
    public async ValueTask<Turn> EnterAsync(CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        return new Turn(gate);
    }

    public void Dispose() => gate.Dispose();

    public readonly struct Turn(SemaphoreSlim gate) : IDisposable
    {
        public void Dispose() => gate.Release();
    }
}
