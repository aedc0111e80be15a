using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Domain;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CeasefireWatch.Web.Escalation;

/// <summary>
/// Moves active incidents through the tiers on time. It sleeps until the earliest <c>NextStageAt</c>
/// (an index seek), is woken early by <see cref="EscalationSignal"/> when incidents change, and applies
/// every due tier in one transaction per batch. At start it catches up whatever fell due while it was
/// stopped; each tier is entered exactly once (the aggregate's rules, a concurrency token, and a unique
/// index on the timeline all hold that line).
/// </summary>
public sealed partial class EscalationEngine(
    IServiceScopeFactory scopes,
    TimeProvider clock,
    EscalationSignal signal,
    EscalationEngineStatus status,
    ILogger<EscalationEngine> logger) : BackgroundService
{
    /// <summary>Incidents handled per transaction, so a large catch-up never holds the write lock for long.</summary>
    internal const int BatchSize = 200;

    /// <summary>Re-plan at least this often even with nothing due, so no timer ever runs for weeks.</summary>
    internal static readonly TimeSpan MaxSleep = TimeSpan.FromMinutes(10);

    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogStarted();
        try
        {
            await ReplanAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan sleep;
            try
            {
                var next = await RunDueAsync(stoppingToken);
                var now = clock.GetUtcNow().UtcDateTime;
                sleep = next is { } due ? Clamp(due - now) : MaxSleep;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                LogRunFailed(ex, RetryAfterFailure);
                status.Failed(ex.Message);
                sleep = RetryAfterFailure;
            }

            try
            {
                await signal.WaitAsync(sleep, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        LogStopped();
    }

    /// <summary>
    /// At start, brings every active incident's <c>NextStageAt</c> in line with the policy in force: the
    /// windows may have been changed in configuration while the app was stopped, and a stored deadline
    /// computed under a longer window would otherwise fire late. The first regular run then enters what is due.
    /// </summary>
    internal async Task ReplanAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var policy = scope.ServiceProvider.GetRequiredService<EscalationPolicy>();
        var lastId = 0;
        while (true)
        {
            var batch = await db.Incidents
                .Where(i => i.Status == IncidentStatus.Active && i.Id > lastId)
                .OrderBy(i => i.Id)
                .Take(BatchSize)
                .ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                return;
            }

            var replanned = batch.Count(i =>
            {
                var stored = i.NextStageAt;
                i.Replan(policy);
                return stored != i.NextStageAt;
            });
            if (replanned > 0)
            {
                await db.SaveChangesAsync(cancellationToken);
                LogReplanned(replanned);
            }

            lastId = batch[^1].Id;
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>
    /// Enters every tier due now, batch by batch, and returns the next deadline (null when nothing is pending).
    /// </summary>
    internal async Task<DateTime?> RunDueAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var policy = scope.ServiceProvider.GetRequiredService<EscalationPolicy>();
            var now = clock.GetUtcNow().UtcDateTime;

            var due = await db.Incidents
                .Where(i => i.NextStageAt != null && i.NextStageAt <= now && i.Status == IncidentStatus.Active)
                .OrderBy(i => i.NextStageAt)
                .Take(BatchSize)
                .ToListAsync(cancellationToken);

            var firings = new List<EscalationEngineStatus.StageFiring>();
            foreach (var incident in due)
            {
                foreach (var (stage, dueAt) in incident.ApplyDueStages(policy, now))
                {
                    firings.Add(new(incident.Reference, stage, dueAt, now));
                }
            }

            if (due.Count > 0)
            {
                try
                {
                    await db.SaveChangesAsync(cancellationToken);
                }
                catch (DbUpdateConcurrencyException)
                {
                    // A request changed one of these incidents meanwhile; read them again and re-apply.
                    LogConcurrencyRetry();
                    continue;
                }

                foreach (var firing in firings)
                {
                    LogStageEntered(firing.Reference, firing.Stage, firing.DueAt, firing.Lateness.TotalMilliseconds);
                }

                await scope.ServiceProvider.GetRequiredService<IPublisher>()
                    .Publish(new IncidentChanged([.. due.Select(i => i.Id)]), cancellationToken);
            }

            if (due.Count == BatchSize)
            {
                status.Ran(now, now, firings.LastOrDefault(), firings.Count);
                continue;
            }

            var next = await db.Incidents
                .Where(i => i.NextStageAt != null && i.Status == IncidentStatus.Active)
                .MinAsync(i => i.NextStageAt, cancellationToken);
            status.Ran(now, next, firings.LastOrDefault(), firings.Count);
            return next;
        }
    }

    private static TimeSpan Clamp(TimeSpan delay) =>
        delay <= TimeSpan.Zero ? TimeSpan.Zero : delay > MaxSleep ? MaxSleep : delay;

    [LoggerMessage(Level = LogLevel.Information, Message = "Escalation engine started")]
    private partial void LogStarted();

    [LoggerMessage(Level = LogLevel.Information, Message = "Escalation engine stopped")]
    private partial void LogStopped();

    [LoggerMessage(Level = LogLevel.Error, Message = "Escalation run failed; retrying in {Retry}")]
    private partial void LogRunFailed(Exception exception, TimeSpan retry);

    [LoggerMessage(Level = LogLevel.Information, Message = "Re-planned the next deadline of {Count} active incidents under the escalation windows in force")]
    private partial void LogReplanned(int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "An incident changed while tiers were applied; retrying the batch")]
    private partial void LogConcurrencyRetry();

    /// <summary>Every engine decision, with the incident, the tier, its due instant and how late it was recorded.</summary>
    [LoggerMessage(Level = LogLevel.Information, Message = "Incident {Reference} entered {Stage}, due {DueAt:O}, {LatenessMs:0} ms late")]
    private partial void LogStageEntered(string reference, Stage stage, DateTime dueAt, double latenessMs);
}
