using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CeasefireWatch.Web.Features.Notifications;

/// <summary>
/// Delivers from the outbox. Everything it knows is in the database (attempts, last answer, next attempt), so a
/// stop or a kill at any moment loses nothing: a delivery not yet marked delivered is tried again after a restart,
/// with the same delivery id, and a receiver drops the repeat of one it already had.
/// <para>
/// On PostgreSQL every app instance runs a sender against the one outbox. Each round claims its deliveries with
/// <c>FOR UPDATE SKIP LOCKED</c> and holds them, in its transaction, until their outcome is recorded: no delivery is
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
    /// <summary>Deliveries tried side by side per round: a slow receiver does not hold up the others.</summary>
    internal const int BatchSize = 16;

    /// <summary>Look again at least this often, even with nothing due.</summary>
    internal static readonly TimeSpan MaxSleep = TimeSpan.FromMinutes(1);

    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan LongestRetry = TimeSpan.FromHours(1);

    /// <summary>
    /// The wait before the next round, doubling with each try made so far: 5 s after one failed try, 10 s after two,
    /// 20 s after three (a webhook's first round already holds three tries), up to an hour.
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
                var next = await RunDueAsync(stoppingToken);
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
                LogRoundFailed(ex);
                sleep = FirstRetry;
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
    }

    /// <summary>Tries every delivery due now, round by round, and returns when the next pending one is due.</summary>
    internal async Task<DateTime?> RunDueAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var now = clock.GetUtcNow().UtcDateTime;
            // Most rounds have nothing due (every start; a wake-up for a delivery due later): one plain read says so,
            // without the round's query, whose first compilation took the other core from a start's first requests.
            var earliest = await NextPendingAsync(db, cancellationToken);
            if (earliest is null || earliest > now)
            {
                return earliest;
            }

            await using var claim = database.IsPostgres ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
            var claimed = claim is null ? null : await ClaimDueAsync(db, now, cancellationToken);
            var deliveries = db.Set<NotificationDelivery>();
            var due = await (claimed is null
                    ? deliveries.Where(d => d.Status == DeliveryStatus.Pending && d.NextAttemptAt <= now)
                    : deliveries.Where(d => claimed.Contains(d.Id)))
                .OrderBy(d => d.NextAttemptAt)
                .Take(BatchSize)
                .Include(d => d.Rule)
                .Include(d => d.Incident)
                .Include(d => d.TimelineEntry)
                .AsSplitQuery()
                .ToListAsync(cancellationToken);

            if (due.Count > 0)
            {
                var email = scope.ServiceProvider.GetRequiredService<EmailChannel>();
                var webhook = scope.ServiceProvider.GetRequiredService<WebhookChannel>();
                var outcomes = await Task.WhenAll(due.Select(d => TryAsync(d, email, webhook, cancellationToken)));
                var finished = clock.GetUtcNow().UtcDateTime;
                for (var i = 0; i < due.Count; i++)
                {
                    Record(due[i], outcomes[i], finished);
                }

                await db.SaveChangesAsync(cancellationToken);
            }

            if (claim is not null)
            {
                await claim.CommitAsync(cancellationToken);
            }

            if (due.Count == BatchSize)
            {
                continue;
            }

            var next = await NextPendingAsync(db, cancellationToken);

            // Due, but claimed by another instance that is sending it now: look again shortly, not at once.
            return claim is not null && due.Count == 0 && next <= now ? now + ClaimedElsewhereRetry : next;
        }
    }

    /// <summary>When the earliest pending delivery is due, or null when none is pending.</summary>
    private static Task<DateTime?> NextPendingAsync(AppDbContext db, CancellationToken cancellationToken) =>
        PlainReads.EarliestAsync<NotificationDelivery>(
            db, nameof(NotificationDelivery.NextAttemptAt), nameof(NotificationDelivery.Status), DeliveryStatus.Pending, upTo: null, cancellationToken);

    /// <summary>How soon to look again when every due delivery is claimed by another instance (PostgreSQL).</summary>
    internal static readonly TimeSpan ClaimedElsewhereRetry = TimeSpan.FromMilliseconds(500);

    /// <summary>Locks up to a round of due pending deliveries that no other transaction holds, earliest first.</summary>
    private static async Task<List<Guid>> ClaimDueAsync(AppDbContext db, DateTime now, CancellationToken cancellationToken) =>
        await db.Database.SqlQuery<Guid>($"""
            SELECT "Id" AS "Value" FROM "NotificationDeliveries"
            WHERE "Status" = 'Pending' AND "NextAttemptAt" <= {now}
            ORDER BY "NextAttemptAt"
            LIMIT {BatchSize}
            FOR UPDATE SKIP LOCKED
            """).ToListAsync(cancellationToken);

    private async Task<DeliveryOutcome> TryAsync(
        NotificationDelivery delivery, EmailChannel email, WebhookChannel webhook, CancellationToken cancellationToken)
    {
        var rule = delivery.Rule!;
        if (rule.DeletedAt is not null)
        {
            return new DeliveryOutcome(false, 0, "Not sent: the rule was deleted.");
        }

        var message = NotificationMessage.For(delivery, options.Value.PublicBaseUrl);
        return rule.Channel switch
        {
            NotificationChannel.Email => await email.SendAsync(message, rule, cancellationToken),
            NotificationChannel.Webhook => await webhook.SendAsync(message, rule, cancellationToken),
            _ => new DeliveryOutcome(false, 1, $"Unknown channel {rule.Channel}."),
        };
    }

    private void Record(NotificationDelivery delivery, DeliveryOutcome outcome, DateTime now)
    {
        delivery.Attempts += outcome.Tries;
        delivery.LastAnswer = outcome.Answer.Length > NotificationDeliveryConfiguration.AnswerLength
            ? outcome.Answer[..NotificationDeliveryConfiguration.AnswerLength]
            : outcome.Answer;
        if (outcome.Tries > 0)
        {
            delivery.LastAttemptAt = now;
        }

        var reference = Domain.Incident.FormatReference(delivery.IncidentId);
        if (outcome.Delivered)
        {
            delivery.Status = DeliveryStatus.Delivered;
            delivery.DeliveredAt = now;
            LogDelivered(delivery.Id, delivery.Event.ToString(), reference, delivery.Rule!.Name, delivery.Attempts);
        }
        else if (delivery.Rule!.DeletedAt is not null || now - delivery.CreatedAt >= options.Value.GiveUpAfter)
        {
            delivery.Status = DeliveryStatus.Failed;
            LogGaveUp(delivery.Id, delivery.Event.ToString(), reference, delivery.Rule.Name, delivery.Attempts, delivery.LastAnswer);
        }
        else
        {
            delivery.NextAttemptAt = now + Backoff(delivery.Attempts);
            LogWillRetry(delivery.Id, delivery.Event.ToString(), reference, delivery.Rule.Name, delivery.Attempts, delivery.LastAnswer, delivery.NextAttemptAt);
        }
    }

    private static TimeSpan Clamp(TimeSpan delay, TimeSpan longest) =>
        delay <= TimeSpan.Zero ? TimeSpan.Zero : delay > longest ? longest : delay;

    [LoggerMessage(Level = LogLevel.Error, Message = "Notification round failed; looking again shortly")]
    private partial void LogRoundFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivered {DeliveryId}: {Event} of {Reference} by rule {Rule} after {Attempts} tries")]
    private partial void LogDelivered(Guid deliveryId, string @event, string reference, string rule, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery {DeliveryId} ({Event} of {Reference}, rule {Rule}) failed after {Attempts} tries: {Answer}; retrying at {NextAttemptAt:O}")]
    private partial void LogWillRetry(Guid deliveryId, string @event, string reference, string rule, int attempts, string? answer, DateTime nextAttemptAt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Gave up delivery {DeliveryId} ({Event} of {Reference}, rule {Rule}) after {Attempts} tries: {Answer}")]
    private partial void LogGaveUp(Guid deliveryId, string @event, string reference, string rule, int attempts, string? answer);
}
