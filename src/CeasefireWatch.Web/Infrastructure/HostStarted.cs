namespace CeasefireWatch.Web.Infrastructure;

/// <summary>
/// Lets a background loop begin its work once the app is listening. On two cores the engine's start-up re-plan and
/// the notification sender's first queries (each compiling EF Core queries) otherwise compete with the host's own
/// start for the CPU, and /health answers later by their whole cost (docs/performance.md, cold start). The work is
/// the same, only later by the few hundred milliseconds the start takes; the engine's catch-up is still reported by
/// /health as lag.
/// </summary>
internal static class HostStarted
{
    /// <summary>Completes when the host has started (or at once if it already has), or cancels with <paramref name="stoppingToken"/>.</summary>
    public static async Task WhenStartedAsync(this IHostApplicationLifetime lifetime, CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var onStarted = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await using var onStopping = stoppingToken.Register(() => started.TrySetCanceled(stoppingToken));
        await started.Task;
    }
}
