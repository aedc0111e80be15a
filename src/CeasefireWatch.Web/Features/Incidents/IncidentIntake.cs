using System.Collections.Concurrent;
using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Domain;
using CeasefireWatch.Web.Escalation;
using CeasefireWatch.Web.Features.Notifications;
using Mediator;

namespace CeasefireWatch.Web.Features.Incidents;

/// <summary>
/// Group commit for new incidents. Each <c>POST /api/incidents</c> (and the form) queues its new incident and waits
/// for the writer's turn. Whoever gets the turn is the leader: it saves EVERYTHING queued so far (up to
/// <see cref="MaxGroup"/> per transaction) in one transaction, answers every request in it once that transaction has
/// committed, and hands the turn on; a waiter whose incident a leader already stored just returns. Under load, 32
/// reports cost one commit instead of 32 writers taking turns through SQLite's sleeping busy handler; at one
/// connection the request commits its own report on its own thread, with no hand-off.
/// <para>
/// The rows are written by <see cref="IncidentBatchWriter"/> (prepared statements, as the engine writes its tiers)
/// rather than <c>SaveChanges</c>, whose change tracking and command building were four fifths of what a report
/// allocated (docs/performance.md); the notifications the new entries call for are added to the same transaction by
/// the outbox, as a save adds them.
/// </para>
/// <para>
/// Guarantees, proved by <c>IncidentIntakeTests</c>: a request is answered 201 only after its incident committed
/// (with WAL and <c>synchronous=NORMAL</c> a committed transaction survives the process being killed; a power cut
/// may lose the last ones — docs/operations.md); every queued incident is stored exactly once; an incident that
/// fails (a constraint, a bug) fails alone: the group is retried one incident per transaction, so the others are
/// stored and only the failing request gets the error. Nothing here is SQLite-specific.
/// </para>
/// </summary>
public sealed partial class IncidentIntake(
    IServiceScopeFactory scopes, WriteGate writeGate, NotificationOutbox outbox, ILogger<IncidentIntake> logger) : IDisposable
{
    /// <summary>At most this many incidents per transaction, so one commit never holds the write lock for long.</summary>
    internal const int MaxGroup = 64;

    private readonly ConcurrentQueue<Pending> queue = new();
    private readonly SemaphoreSlim turn = new(1, 1);

    private sealed record Pending(Func<Incident> Open, TaskCompletionSource<Incident> Stored);

    /// <summary>
    /// Queues a new incident and completes once it is committed, with the stored incident (its id filled in).
    /// <paramref name="open"/> builds the aggregate; it may run twice (once in a group, again alone after the group
    /// failed), so it must be a pure function of what the request captured. Not cancellable once queued: a report
    /// handed over is stored even if its caller has gone (another request may be committing it already), and the
    /// caller's retry is then a second report — the same as a request cancelled just after its commit.
    /// </summary>
    public async Task<Incident> SubmitAsync(Func<Incident> open)
    {
        var pending = new Pending(open, new TaskCompletionSource<Incident>(TaskCreationOptions.RunContinuationsAsynchronously));
        queue.Enqueue(pending);
        var stored = new List<Incident>();
        await turn.WaitAsync(CancellationToken.None);
        try
        {
            // A leader before us may have stored ours already; otherwise we lead until it is.
            while (!pending.Stored.Task.IsCompleted)
            {
                var group = new List<Pending>(MaxGroup);
                while (group.Count < MaxGroup && queue.TryDequeue(out var next))
                {
                    group.Add(next);
                }

                await CommitAsync(group, stored);
            }
        }
        finally
        {
            turn.Release();
        }

        if (stored.Count > 0)
        {
            await AnnounceAsync(stored);
        }

        return await pending.Stored.Task;
    }

    /// <summary>Incidents queued and not yet taken into a transaction (for tests that need a group to form).</summary>
    internal int Queued => queue.Count;

    public void Dispose() => turn.Dispose();

    private async Task CommitAsync(List<Pending> group, List<Incident> stored)
    {
        try
        {
            await SaveAsync(group, stored);
        }
        catch (Exception) when (group.Count > 1)
        {
            // One incident may have sunk the transaction; nothing of it was written. Each alone now, so only the
            // one at fault fails.
            LogGroupRetried(group.Count);
            foreach (var pending in group)
            {
                try
                {
                    await SaveAsync([pending], stored);
                }
                catch (Exception ex)
                {
                    pending.Stored.TrySetException(ex);
                }
            }
        }
        catch (Exception ex)
        {
            group[0].Stored.TrySetException(ex);
        }
    }

    /// <summary>Builds the incidents, saves them in one transaction, and answers each request.</summary>
    private async Task SaveAsync(List<Pending> items, List<Incident> stored)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var built = new List<(Pending Pending, Incident Incident)>(items.Count);
        foreach (var pending in items)
        {
            try
            {
                built.Add((pending, pending.Open()));
            }
            catch (Exception ex)
            {
                // The domain refused this one: it is answered at once and never reaches the transaction.
                pending.Stored.TrySetException(ex);
            }
        }

        if (built.Count == 0)
        {
            return;
        }

        var events = new List<(Incident Incident, TimelineEntry Entry)>();
        var deliveriesAdded = false;
        using (await writeGate.EnterAsync(CancellationToken.None))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
            await using var writer = IncidentBatchWriter.Create(db);
            foreach (var (_, incident) in built)
            {
                await writer.InsertAsync(incident, CancellationToken.None);
                events.AddRange(incident.Timeline.Select(entry => (incident, entry)));
            }

            foreach (var delivery in await outbox.DeliveriesForAsync(db, events, CancellationToken.None))
            {
                await writer.InsertAsync(delivery, CancellationToken.None);
                deliveriesAdded = true;
            }

            await transaction.CommitAsync(CancellationToken.None);
        }

        foreach (var (pending, incident) in built)
        {
            stored.Add(incident);
            pending.Stored.TrySetResult(incident);
        }

        // Committed and answered: nothing after this line may throw into the group's retry, which would store them twice.
        try
        {
            await outbox.CommittedAsync(events, deliveriesAdded, CancellationToken.None);
        }
        catch (Exception ex)
        {
            LogAnnounceFailed(ex, built.Count);
        }
    }

    /// <summary>
    /// One notification for everything this leader stored: one push to live pages, and a wake-up of the engine only
    /// if one of them falls due before the engine looks again anyway (a new report's next tier is usually a day away).
    /// </summary>
    private async Task AnnounceAsync(List<Incident> stored)
    {
        try
        {
            var changed = new IncidentChanged([.. stored.Select(i => i.Id)])
            {
                NoDeadlineBefore = stored.Min(i => i.NextStageAt) ?? DateTime.MaxValue,
            };
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<IPublisher>().Publish(changed, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // Committed and answered; a page missing this push still shows the incidents at its next refresh.
            LogAnnounceFailed(ex, stored.Count);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A group of {Count} new incidents failed to commit; saving them one by one")]
    private partial void LogGroupRetried(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} new incidents were stored but could not be announced to live pages")]
    private partial void LogAnnounceFailed(Exception exception, int count);
}
