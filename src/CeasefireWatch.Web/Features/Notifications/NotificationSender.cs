using System.Globalization;
using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;

namespace CeasefireWatch.Web.Features.Notifications;

/// <summary>
/// Delivers from the outbox. Everything it knows is in the database (attempts, last answer, next attempt), so a
/// stop or a kill at any moment loses nothing: a delivery not yet marked delivered is tried again after a restart,
/// with the same delivery id, and a receiver drops the repeat of one it already had.
/// <para>
/// On PostgreSQL every app instance runs a sender against the one outbox. Each send claims its delivery with
/// <c>FOR UPDATE SKIP LOCKED</c> and holds it, in its transaction, until its outcome is recorded: no delivery is
/// tried by two instances at once, and the claim of an instance that dies goes with its connection, so another
/// instance tries it again at its next look (the same delivery id: at least once, never lost).
/// </para>
/// </summary>
public sealed partial class NotificationSender(
    IServiceScopeFactory scopes,
    TimeProvider clock,
    NotificationSignal signal,
    DatabaseSetup database,
    IOptions<NotificationOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<NotificationSender> logger) : BackgroundService
{
    /// <summary>
    /// Deliveries out at once. Each goes out on its own and is recorded the moment it ends: a receiver that hangs (its
    /// three tries' timeouts and the waits between them, over half a minute) holds up no other delivery, and one that
    /// falls due meanwhile (a tier just entered) goes out at once.
    /// </summary>
    internal const int MaxInFlight = 16;

    /// <summary>
    /// Deliveries of one rule out at once: a receiver that hangs, with many events for it, takes this many places and
    /// no more, and the other rules' deliveries go out beside it.
    /// </summary>
    internal const int MaxInFlightPerRule = 4;

    /// <summary>Look again at least this often, even with nothing due.</summary>
    internal static readonly TimeSpan MaxSleep = TimeSpan.FromMinutes(1);

    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan LongestRetry = TimeSpan.FromHours(1);

    private readonly Lock gate = new();

    /// <summary>The deliveries this instance has out now, their rules, and the sends carrying them: none is claimed twice.</summary>
    private readonly Dictionary<Guid, (int RuleId, Task Send)> inFlight = [];

    /// <summary>After a send could not be recorded (the database, say), no new one before this: a failing store is not hammered.</summary>
    private DateTime notBefore = DateTime.MinValue;

    /// <summary>
    /// What sends got but could not record (the database read-only, its disk full, the server gone), by delivery, and
    /// when: the next look at such a delivery records this instead of sending it again. Without it a receiver got the
    /// delivery again every 5 s for as long as the fault lasted. Lost with the process, like any unrecorded send.
    /// </summary>
    private readonly Dictionary<Guid, (DeliveryOutcome Outcome, DateTime At)> unrecorded = [];

    /// <summary>
    /// The wait before the next send, doubling with each try made so far: 5 s after one failed try, 10 s after two,
    /// 20 s after three (a webhook's first send already holds three tries), up to an hour.
    /// </summary>
    public static TimeSpan Backoff(int attempts)
    {
        var doublings = Math.Clamp(attempts - 1, 0, 20);
        var delay = FirstRetry * Math.Pow(2, doublings);
        return delay > LongestRetry ? LongestRetry : delay;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Off the host's start path (SQLite's async calls complete synchronously): deliveries begin once the app listens.
        await Task.Yield();
        try
        {
            await lifetime.WhenStartedAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan sleep;
            try
            {
                var next = await StartDueAsync(stoppingToken);
                var now = clock.GetUtcNow().UtcDateTime;
                var longest = database.LongestSleep(MaxSleep);
                sleep = next is { } due ? Clamp(due - now, longest) : longest;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                LogSendFailed(ex);
                sleep = FirstRetry;
            }

            try
            {
                // A new delivery, or a send ending (its retry is then scheduled, or a place is free), wakes this.
                await signal.WaitAsync(sleep, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        // The host is stopping: the sends out are cancelled, and what they had not recorded stays pending for next time.
        await Task.WhenAll(Underway());
    }

    /// <summary>
    /// Sends every delivery due now and waits until each is recorded (how the tests, and a second instance in them,
    /// drive the sender); returns when the next pending delivery is due.
    /// </summary>
    internal async Task<DateTime?> RunDueAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var next = await StartDueAsync(cancellationToken);
            var underway = Underway();
            if (underway.Length == 0)
            {
                return next;
            }

            await Task.WhenAll(underway);
        }
    }

    /// <summary>
    /// Starts a send for each due delivery not already out, up to <see cref="MaxInFlight"/>, earliest first; returns
    /// when the next pending delivery not already out is due (null: none, or every place is taken, and a send ending
    /// will wake the loop).
    /// </summary>
    private async Task<DateTime?> StartDueAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            Guid[] excluded;
            int[] busyRules;
            lock (gate)
            {
                if (now < notBefore)
                {
                    return notBefore;
                }

                if (inFlight.Count >= MaxInFlight)
                {
                    return null;
                }

                excluded = [.. inFlight.Keys];
                busyRules = [.. inFlight.Values.CountBy(d => d.RuleId).Where(r => r.Value >= MaxInFlightPerRule).Select(r => r.Key)];
            }

            // Each send has its scope (its context; on PostgreSQL its claim's transaction) until it is recorded.
            var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            IDbContextTransaction? claim = null;
            try
            {
                // Most looks find nothing due (every start; a wake-up for a delivery due later): one plain read says so,
                // without the claim's query, whose first compilation took the other core from a start's first requests.
                var earliest = excluded.Length == 0 ? await NextPendingAsync(db, cancellationToken) : await NextPendingAsync(db, excluded, busyRules, cancellationToken);
                if (earliest is null || earliest > now)
                {
                    await DisposeAsync(claim, scope);
                    return earliest;
                }

                var deliveries = db.Set<NotificationDelivery>().AsQueryable();
                if (database.IsPostgres)
                {
                    claim = await db.Database.BeginTransactionAsync(cancellationToken);
                    if (await ClaimDueAsync(db, now, busyRules, cancellationToken) is not { } claimed)
                    {
                        // Due, but each held by a send (another instance's, or this one's) that is out now: look again shortly.
                        await DisposeAsync(claim, scope);
                        return now + ClaimedElsewhereRetry;
                    }

                    deliveries = deliveries.Where(d => d.Id == claimed);
                }
                else
                {
                    deliveries = deliveries.Where(d => d.Status == DeliveryStatus.Pending && d.NextAttemptAt <= now
                        && !excluded.Contains(d.Id) && !busyRules.Contains(d.RuleId));
                }

                var delivery = await deliveries
                    .OrderBy(d => d.NextAttemptAt)
                    .Include(d => d.Rule)
                    .Include(d => d.Incident)
                    .Include(d => d.TimelineEntry)
                    .AsSplitQuery()
                    .FirstOrDefaultAsync(cancellationToken);
                if (delivery is null)
                {
                    await DisposeAsync(claim, scope);
                    return null;
                }

                bool taken;
                lock (gate)
                {
                    // A look running beside this one (the tests' RunDueAsync beside the loop) may have started it meanwhile.
                    taken = inFlight.ContainsKey(delivery.Id);
                    if (!taken)
                    {
                        inFlight[delivery.Id] = (delivery.RuleId, SendAsync(scope, claim, delivery, cancellationToken));
                    }
                }

                if (taken)
                {
                    await DisposeAsync(claim, scope);
                }
            }
            catch
            {
                await DisposeAsync(claim, scope);
                throw;
            }
        }
    }

    /// <summary>One delivery's tries, recorded in its own scope as soon as they end.</summary>
    private async Task SendAsync(AsyncServiceScope scope, IDbContextTransaction? claim, NotificationDelivery delivery, CancellationToken cancellationToken)
    {
        // Off the loop's path: it goes on starting sends while this one waits on its receiver.
        await Task.Yield();
        try
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            (DeliveryOutcome Outcome, DateTime At) result;
            lock (gate)
            {
                unrecorded.Remove(delivery.Id, out result);
            }

            if (result.Outcome is null)
            {
                result.Outcome = await TryAsync(delivery, scope.ServiceProvider, cancellationToken);
                result.At = clock.GetUtcNow().UtcDateTime;
            }

            Record(delivery, result.Outcome, result.At);
            try
            {
                // Not cancelled by the host stopping: an answer in hand is recorded (bounded by the database's own
                // timeouts), or a deploy's restart sends it again. Only a try still waiting for its answer is cut off.
                await db.SaveChangesAsync(CancellationToken.None);
                if (claim is not null)
                {
                    await claim.CommitAsync(CancellationToken.None);
                }
            }
            catch (Exception)
            {
                Keep(delivery.Id, result);
                throw;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: the delivery stays pending, and goes out (with the same id) after the restart.
        }
        catch (Exception ex)
        {
            LogSendFailed(ex);
            lock (gate)
            {
                notBefore = clock.GetUtcNow().UtcDateTime + FirstRetry;
            }
        }
        finally
        {
            await DisposeAsync(claim, scope);
            lock (gate)
            {
                inFlight.Remove(delivery.Id);
            }

            signal.Notify();
        }
    }

    /// <summary>Keeps an outcome to record later; those older than the give-up age are dropped (the delivery is long settled).</summary>
    private void Keep(Guid deliveryId, (DeliveryOutcome Outcome, DateTime At) result)
    {
        lock (gate)
        {
            var stale = result.At - options.Value.GiveUpAfter;
            foreach (var id in unrecorded.Where(u => u.Value.At < stale).Select(u => u.Key).ToList())
            {
                unrecorded.Remove(id);
            }

            unrecorded[deliveryId] = result;
        }
    }

    private Task[] Underway()
    {
        lock (gate)
        {
            return [.. inFlight.Values.Select(d => d.Send)];
        }
    }

    private static async Task DisposeAsync(IDbContextTransaction? claim, AsyncServiceScope scope)
    {
        if (claim is not null)
        {
            await claim.DisposeAsync();
        }

        await scope.DisposeAsync();
    }

    /// <summary>When the earliest pending delivery is due, or null when none is pending.</summary>
    private static Task<DateTime?> NextPendingAsync(AppDbContext db, CancellationToken cancellationToken) =>
        PlainReads.EarliestAsync<NotificationDelivery>(
            db, nameof(NotificationDelivery.NextAttemptAt), nameof(NotificationDelivery.Status), DeliveryStatus.Pending, upTo: null, cancellationToken);

    /// <summary>The same, leaving out the deliveries this instance has out now and the rules that have all their places.</summary>
    private static async Task<DateTime?> NextPendingAsync(AppDbContext db, Guid[] excluded, int[] busyRules, CancellationToken cancellationToken) =>
        await db.Set<NotificationDelivery>()
            .Where(d => d.Status == DeliveryStatus.Pending && !excluded.Contains(d.Id) && !busyRules.Contains(d.RuleId))
            .MinAsync(d => (DateTime?)d.NextAttemptAt, cancellationToken);

    /// <summary>How soon to look again when every due delivery is claimed by another instance (PostgreSQL).</summary>
    internal static readonly TimeSpan ClaimedElsewhereRetry = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Locks the earliest due pending delivery that no other transaction holds, of a rule with a place free (null: none).
    /// </summary>
    private static async Task<Guid?> ClaimDueAsync(AppDbContext db, DateTime now, int[] busyRules, CancellationToken cancellationToken) =>
        (await db.Database.SqlQuery<Guid>($"""
            SELECT "Id" AS "Value" FROM "NotificationDeliveries"
            WHERE "Status" = 'Pending' AND "NextAttemptAt" <= {now} AND NOT ("RuleId" = ANY({busyRules}))
            ORDER BY "NextAttemptAt"
            LIMIT 1
            FOR UPDATE SKIP LOCKED
            """).ToListAsync(cancellationToken)) is [var id] ? id : null;

    private async Task<DeliveryOutcome> TryAsync(NotificationDelivery delivery, IServiceProvider services, CancellationToken cancellationToken)
    {
        var rule = delivery.Rule!;
        if (rule.DeletedAt is not null)
        {
            return new DeliveryOutcome(false, 0, "Not sent: the rule was deleted.");
        }

        var message = NotificationMessage.For(delivery, options.Value.PublicBaseUrl);
        return rule.Channel switch
        {
            NotificationChannel.Email => await services.GetRequiredService<EmailChannel>().SendAsync(message, rule, cancellationToken),
            NotificationChannel.Webhook => await services.GetRequiredService<WebhookChannel>().SendAsync(message, rule, cancellationToken),
            _ => new DeliveryOutcome(false, 1, $"Unknown channel {rule.Channel}."),
        };
    }

    private void Record(NotificationDelivery delivery, DeliveryOutcome outcome, DateTime now)
    {
        delivery.Attempts += outcome.Tries;
        delivery.LastAnswer = Printable(outcome.Answer, NotificationDeliveryConfiguration.AnswerLength);
        if (outcome.Tries > 0)
        {
            delivery.LastAttemptAt = now;
        }

        var reference = Domain.Incident.FormatReference(delivery.IncidentId);
        var rule = delivery.Rule!;
        if (outcome.Delivered)
        {
            delivery.Status = DeliveryStatus.Delivered;
            delivery.DeliveredAt = now;
            LogDelivered(delivery.Id, delivery.Event.ToString(), reference, rule.Name, delivery.Attempts);
        }
        else if (outcome.Withdrawn || rule.DeletedAt is not null || now - delivery.CreatedAt >= options.Value.GiveUpAfter)
        {
            delivery.Status = DeliveryStatus.Failed;
            LogGaveUp(delivery.Id, delivery.Event.ToString(), reference, rule.Name, delivery.Attempts, delivery.LastAnswer);
        }
        else
        {
            // The receiver's Retry-After, when it asks for longer than the back-off, up to the longest wait.
            var wait = Backoff(delivery.Attempts);
            if (outcome.RetryAfter is { } asked && asked > wait)
            {
                wait = asked > LongestRetry ? LongestRetry : asked;
            }

            delivery.NextAttemptAt = now + wait;
            LogWillRetry(delivery.Id, delivery.Event.ToString(), reference, rule.Name, delivery.Attempts, delivery.LastAnswer, delivery.NextAttemptAt);
        }
    }

    /// <summary>
    /// An answer as the delivery log keeps it: one line of at most <paramref name="maxLength"/> characters, each control
    /// character, direction override or lone surrogate written as <c>\uXXXX</c>. Part of an answer is the receiver's own
    /// text (an HTTP reason phrase, an SMTP reply, quoted by .NET's errors): a NUL there cannot be stored in PostgreSQL
    /// (the outcome was then never recorded and the delivery sent again and again), and an escape sequence would reach
    /// the terminals that show the log.
    /// </summary>
    internal static string Printable(string answer, int maxLength)
    {
        var text = new System.Text.StringBuilder(Math.Min(answer.Length, maxLength));
        for (var i = 0; i < answer.Length && text.Length < maxLength; i++)
        {
            var c = answer[i];
            if (char.IsHighSurrogate(c) && i + 1 < answer.Length && char.IsLowSurrogate(answer[i + 1]))
            {
                if (text.Length + 2 > maxLength)
                {
                    break;
                }

                text.Append(c).Append(answer[++i]);
            }
            else if (char.IsControl(c) || char.IsSurrogate(c) || c is (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069'))
            {
                var escaped = string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
                if (text.Length + escaped.Length > maxLength)
                {
                    break;
                }

                text.Append(escaped);
            }
            else
            {
                text.Append(c);
            }
        }

        return text.ToString();
    }

    private static TimeSpan Clamp(TimeSpan delay, TimeSpan longest) =>
        delay <= TimeSpan.Zero ? TimeSpan.Zero : delay > longest ? longest : delay;

    [LoggerMessage(Level = LogLevel.Error, Message = "A notification could not be sent or recorded; looking again shortly")]
    private partial void LogSendFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivered {DeliveryId}: {Event} of {Reference} by rule {Rule} after {Attempts} tries")]
    private partial void LogDelivered(Guid deliveryId, string @event, string reference, string rule, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery {DeliveryId} ({Event} of {Reference}, rule {Rule}) failed after {Attempts} tries: {Answer}; retrying at {NextAttemptAt:O}")]
    private partial void LogWillRetry(Guid deliveryId, string @event, string reference, string rule, int attempts, string? answer, DateTime nextAttemptAt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Gave up delivery {DeliveryId} ({Event} of {Reference}, rule {Rule}) after {Attempts} tries: {Answer}")]
    private partial void LogGaveUp(Guid deliveryId, string @event, string reference, string rule, int attempts, string? answer);
}
