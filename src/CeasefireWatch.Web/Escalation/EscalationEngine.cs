using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Domain;
using CeasefireWatch.Web.Features.Notifications;
using CeasefireWatch.Web.Infrastructure;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CeasefireWatch.Web.Escalation;

/// <summary>
/// Moves active incidents through the tiers on time. It sleeps until the earliest <c>NextStageAt</c>
/// (an index seek), is woken early by <see cref="EscalationSignal"/> when incidents change, and applies
/// every due tier in one transaction per batch. At start it catches up whatever fell due while it was
/// stopped; each tier is entered exactly once (the aggregate's rules, a concurrency token, and a unique
/// index on the timeline all hold that line).
/// <para>
/// On PostgreSQL every app instance runs this engine against one database. Each batch claims its due incidents
/// with <c>FOR UPDATE SKIP LOCKED</c> inside its transaction: two engines never work on the same incident, and
/// the lock of an instance that dies goes with its connection, so the others take its deadlines over at their next
/// look (at most <see cref="DatabaseSetup.SharedPollInterval"/> away, since no peer's change wakes this one).
/// </para>
/// </summary>
public sealed partial class EscalationEngine(
    IServiceScopeFactory scopes,
    TimeProvider clock,
    EscalationSignal signal,
    EscalationEngineStatus status,
    WriteGate writeGate,
    DatabaseSetup database,
    Infrastructure.Health.HealthMonitor health,
    IHostApplicationLifetime lifetime,
    ILogger<EscalationEngine> logger) : BackgroundService
{
    /// <summary>Incidents handled per transaction, so a large catch-up never holds the write lock for long.</summary>
    internal const int BatchSize = 500;

    /// <summary>Incidents whose plan is checked per read at start (a projection of a few columns, no tracking).</summary>
    private const int ReplanBatchSize = 2000;

    /// <summary>Re-plan at least this often even with nothing due, so no timer ever runs for weeks.</summary>
    internal static readonly TimeSpan MaxSleep = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long after its start the engine prepares its first batch (<see cref="PrepareSoonAsync"/>): not at once, where
    /// the ~0.2 s of CPU it takes delayed the first answers of a cold start on two cores.
    /// </summary>
    internal static readonly TimeSpan PrepareDelay = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(5);

    /// <summary>How soon to look again when every due incident is claimed by another instance (PostgreSQL).</summary>
    internal static readonly TimeSpan ClaimedElsewhereRetry = TimeSpan.FromMilliseconds(250);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // SQLite's "async" calls complete synchronously, so without this the whole re-plan and the first catch-up ran
        // inside the host's start, and the app did not listen until they were done (with 10,000 active incidents,
        // most of a cold start). Off the start path, /health answers while the engine catches up, and says how late.
        await Task.Yield();
        try
        {
            await lifetime.WhenStartedAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        LogStarted();
        while (true)
        {
            try
            {
                await ReplanAsync(stoppingToken);
                break;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (DbUpdateConcurrencyException)
            {
                // Another instance (or a request) changed an incident while this one re-planned it: read them again.
                LogConcurrencyRetry();
            }
        }

        var preparing = PrepareSoonAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan sleep;
            signal.Planning();
            try
            {
                var next = await RunDueAsync(stoppingToken);
                var now = clock.GetUtcNow().UtcDateTime;
                var longest = database.LongestSleep(MaxSleep);
                sleep = next is { } due ? Clamp(due - now, longest) : longest;
                signal.WillLookAt(now + sleep);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                LogRunFailed(ex, RetryAfterFailure);
                status.Failed(ex.Message);
                health.WriteRefused(ex);
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

        await preparing;
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
            // Read only what the plan depends on, untracked; load and save only the incidents whose plan changed
            // (usually none: the windows are rarely changed), rather than every active incident at every start.
            var batch = await db.Incidents.AsNoTracking()
                .Where(i => i.Status == IncidentStatus.Active && i.Id > lastId)
                .OrderBy(i => i.Id)
                .Take(ReplanBatchSize)
                .Select(i => new { i.Id, i.Stage, i.Status, i.OccurredAt, i.ClockResumedAt, i.HeldSince, i.Verification, i.NextStageAt })
                .ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                return;
            }

            var stale = batch
                .Where(i => Incident.Plan(policy, i.Stage, i.Status, i.OccurredAt, i.ClockResumedAt, i.HeldSince, i.Verification) != (i.HeldSince, i.NextStageAt))
                .Select(i => i.Id)
                .ToList();
            if (stale.Count > 0)
            {
                foreach (var incident in await db.Incidents.Where(i => stale.Contains(i.Id)).ToListAsync(cancellationToken))
                {
                    incident.Replan(policy);
                }

                try
                {
                    await db.SaveChangesAsync(cancellationToken);
                }
                catch (DbUpdateConcurrencyException)
                {
                    // The app already serves while this runs: a request changed one of them (and planned it itself).
                    // Read the batch again.
                    db.ChangeTracker.Clear();
                    LogConcurrencyRetry();
                    continue;
                }

                LogReplanned(stale.Count);
                db.ChangeTracker.Clear();
            }

            lastId = batch[^1].Id;
        }
    }

    /// <summary>
    /// Does, once, <see cref="PrepareDelay"/> after the start, what the first batch of tiers would otherwise do while it
    /// is late: builds the batch writer's statements and reads the notification rules in force (compiling that query).
    /// After a start, 10,000 tiers due at one instant waited ~0.25 s for these before the first was entered
    /// (docs/performance.md, twelfth round). Only an optimisation: if it fails, or a batch comes first, the batch does the
    /// same work itself.
    /// </summary>
    private async Task PrepareSoonAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(PrepareDelay, clock, cancellationToken);
            await PrepareAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    internal async Task PrepareAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            IncidentBatchWriter.Prepare(db.Model);
            await scope.ServiceProvider.GetRequiredService<NotificationOutbox>().PrepareAsync(db, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogPrepareFailed(ex);
        }
    }

    /// <summary>
    /// Enters every tier due now, batch by batch, and returns the next deadline (null when nothing is pending).
    /// <para>
    /// Each batch is written in one transaction (the write gate keeps the intake's group commits out of its way; on
    /// PostgreSQL the rows are claimed inside it): the domain enters their tiers, and <see cref="IncidentBatchWriter"/>
    /// writes the rows, the new timeline entries and their notifications with prepared statements, without EF Core's
    /// change tracker (docs/performance.md).
    /// </para>
    /// </summary>
    internal async Task<DateTime?> RunDueAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var outbox = scope.ServiceProvider.GetRequiredService<NotificationOutbox>();
            var batch = new Batch(clock.GetUtcNow().UtcDateTime);

            // SQLite: read first, outside any transaction, so a wake-up with nothing due never takes the write lock;
            // the version guard on each row catches a request's change in between. PostgreSQL: claim in the transaction.
            batch.Due = database.IsPostgres ? [] : await ReadDueAsync(db, batch.Now, cancellationToken);
            if ((database.IsPostgres || batch.Due.Count > 0)
                && !await WriteBatchAsync(db, scope.ServiceProvider.GetRequiredService<EscalationPolicy>(), outbox, batch, cancellationToken))
            {
                // A request changed one of these incidents after it was read: rolled back; read them again, re-apply.
                LogConcurrencyRetry();
                continue;
            }

            if (batch.Due.Count > 0)
            {
                await outbox.CommittedAsync(batch.Events, batch.DeliveriesAdded, cancellationToken);
                LogFirings(batch.Firings);
                await scope.ServiceProvider.GetRequiredService<IPublisher>()
                    .Publish(new IncidentChanged([.. batch.Due.Select(i => i.Id)]), cancellationToken);
            }

            if (batch.Due.Count == BatchSize)
            {
                status.Ran(batch.Now, batch.Now, batch.Firings.LastOrDefault(), batch.Firings.Count);
                continue;
            }

            var next = await db.Incidents
                .Where(i => i.NextStageAt != null && i.Status == IncidentStatus.Active)
                .MinAsync(i => i.NextStageAt, cancellationToken);
            if (database.IsPostgres && batch.Due.Count == 0 && next <= batch.Now)
            {
                // Due, but claimed by another instance that is entering it right now: look again shortly, not at once.
                next = batch.Now + ClaimedElsewhereRetry;
            }

            status.Ran(batch.Now, next, batch.Firings.LastOrDefault(), batch.Firings.Count);
            return next;
        }
    }

    /// <summary>One batch of due incidents: what was read (or claimed), and what entering their tiers made.</summary>
    private sealed class Batch(DateTime now)
    {
        public DateTime Now { get; } = now;

        public List<Incident> Due { get; set; } = [];

        public List<EscalationEngineStatus.StageFiring> Firings { get; } = [];

        public List<(Incident Incident, TimelineEntry Entry)> Events { get; } = [];

        public bool DeliveriesAdded { get; set; }
    }

    /// <summary>
    /// Enters the batch's due tiers and writes them, with their notifications, in one transaction in the write gate's
    /// turn; false, rolled back, when a row changed after it was read.
    /// <para>
    /// Its loops are small methods of their own, not inline in one large one: the runtime first runs a method as quick,
    /// unoptimised code and, once a loop in it has turned a few thousand times, compiles an optimised copy of the whole
    /// method on the spot (on-stack replacement). With the loops inline in <see cref="RunDueAsync"/> that copy was 21 KB
    /// of machine code, compiled on the engine's own thread halfway through the first burst of tiers after a start, a
    /// stall of ~50–90 ms (docs/performance.md, thirteenth round).
    /// </para>
    /// </summary>
    private async Task<bool> WriteBatchAsync(
        AppDbContext db, EscalationPolicy policy, NotificationOutbox outbox, Batch batch, CancellationToken cancellationToken)
    {
        using (await writeGate.EnterAsync(cancellationToken))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            if (database.IsPostgres)
            {
                batch.Due = await ClaimDueAsync(db, batch.Now, cancellationToken);
            }

            try
            {
                await using var writer = IncidentBatchWriter.Create(db);
                await EnterDueStagesAsync(writer, policy, batch, cancellationToken);
                await InsertDeliveriesAsync(writer, await outbox.DeliveriesForAsync(db, batch.Events, cancellationToken), batch, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return true;
            }
            catch (DbUpdateException ex) when (ConcurrentChange.Is(ex))
            {
                return false;
            }
        }
    }

    private static async Task EnterDueStagesAsync(IncidentBatchWriter writer, EscalationPolicy policy, Batch batch, CancellationToken cancellationToken)
    {
        foreach (var incident in batch.Due)
        {
            var read = writer.Snapshot(incident);
            foreach (var (stage, dueAt) in incident.ApplyDueStages(policy, batch.Now))
            {
                batch.Firings.Add(new(incident.Reference, stage, dueAt, batch.Now));
            }

            await writer.UpdateAsync(incident, read, cancellationToken);
            batch.Events.AddRange(incident.Timeline.Select(entry => (incident, entry)));
        }
    }

    private static async Task InsertDeliveriesAsync(
        IncidentBatchWriter writer, IEnumerable<NotificationDelivery> deliveries, Batch batch, CancellationToken cancellationToken)
    {
        foreach (var delivery in deliveries)
        {
            await writer.InsertAsync(delivery, cancellationToken);
            batch.DeliveriesAdded = true;
        }
    }

    private void LogFirings(List<EscalationEngineStatus.StageFiring> firings)
    {
        foreach (var firing in firings)
        {
            LogStageEntered(firing.Reference, firing.Stage, firing.DueAt, firing.Lateness.TotalMilliseconds);
        }
    }

    private static Task<List<Incident>> ReadDueAsync(AppDbContext db, DateTime now, CancellationToken cancellationToken) =>
        db.Incidents.AsNoTracking()
            .Where(i => i.NextStageAt != null && i.NextStageAt <= now && i.Status == IncidentStatus.Active)
            .OrderBy(i => i.NextStageAt)
            .Take(BatchSize)
            .ToListAsync(cancellationToken);

    /// <summary>
    /// Locks up to a batch of due active incidents that no other transaction holds, earliest first, and reads them.
    /// A row another instance has just advanced is re-checked under its lock (PostgreSQL re-evaluates the condition
    /// on the newest version), so a tier it entered is not due here any more.
    /// </summary>
    private static async Task<List<Incident>> ClaimDueAsync(AppDbContext db, DateTime now, CancellationToken cancellationToken)
    {
        var ids = await db.Database.SqlQuery<int>($"""
            SELECT "Id" AS "Value" FROM "Incidents"
            WHERE "NextStageAt" IS NOT NULL AND "NextStageAt" <= {now} AND "Status" = 'Active'
            ORDER BY "NextStageAt"
            LIMIT {BatchSize}
            FOR UPDATE SKIP LOCKED
            """).ToListAsync(cancellationToken);
        if (ids.Count == 0)
        {
            return [];
        }

        return await db.Incidents.AsNoTracking().Where(i => ids.Contains(i.Id)).OrderBy(i => i.NextStageAt).ToListAsync(cancellationToken);
    }

    private static TimeSpan Clamp(TimeSpan delay, TimeSpan longest) =>
        delay <= TimeSpan.Zero ? TimeSpan.Zero : delay > longest ? longest : delay;

    [LoggerMessage(Level = LogLevel.Information, Message = "Escalation engine started")]
    private partial void LogStarted();

    [LoggerMessage(Level = LogLevel.Information, Message = "Escalation engine stopped")]
    private partial void LogStopped();

    [LoggerMessage(Level = LogLevel.Error, Message = "Escalation run failed; retrying in {Retry}")]
    private partial void LogRunFailed(Exception exception, TimeSpan retry);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Escalation engine could not prepare ahead of its first batch, which will do it itself")]
    private partial void LogPrepareFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Re-planned the next deadline of {Count} active incidents under the escalation windows in force")]
    private partial void LogReplanned(int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "An incident changed while tiers were applied; retrying the batch")]
    private partial void LogConcurrencyRetry();

    /// <summary>Every engine decision, with the incident, the tier, its due instant and how late it was recorded.</summary>
    [LoggerMessage(Level = LogLevel.Information, Message = "Incident {Reference} entered {Stage}, due {DueAt:O}, {LatenessMs:0} ms late")]
    private partial void LogStageEntered(string reference, Stage stage, DateTime dueAt, double latenessMs);
}
