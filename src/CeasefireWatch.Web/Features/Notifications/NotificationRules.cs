using CeasefireWatch.Web.Infrastructure.Localization;
using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Domain;
using CeasefireWatch.Web.Features.Incidents;
using CeasefireWatch.Web.Infrastructure;
using CeasefireWatch.Web.Infrastructure.Security;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CeasefireWatch.Web.Features.Notifications;

/// <summary>A rule as the API and the page show it. The webhook secret is write-only: only whether one is set.</summary>
public sealed record NotificationRuleDto(
    int Id,
    string Name,
    NotificationChannel Channel,
    string Target,
    IReadOnlyList<Stage> Stages,
    IReadOnlyList<string> Oblasts,
    bool HasSecret,
    DateTime CreatedAt,
    string CreatedBy)
{
    public static NotificationRuleDto From(NotificationRule rule) => new(
        rule.Id, rule.Name, rule.Channel, rule.Target, rule.StageList, rule.OblastList,
        !string.IsNullOrEmpty(rule.Secret), rule.CreatedAt, rule.CreatedBy);
}

/// <summary>
/// A supervisor adds who is told: by email or by a signed webhook, for some tiers (none: all) and some oblasts
/// (none: all). Targets are called from the server, so only email addresses and absolute http(s) URLs are taken.
/// </summary>
public static class CreateNotificationRule
{
    public const int MinSecretLength = 16;

    [RequiresPolicy(Policies.Supervise)]
    public sealed record Command(
        string? Name,
        string? Channel,
        string? Target,
        IReadOnlyList<string>? Stages,
        IReadOnlyList<string>? Oblasts,
        string? Secret) : ICommand<NotificationRuleDto>
    {
        /// <summary>Keeps the secret out of anything that prints the request (the logging behaviour).</summary>
        public override string ToString() =>
            $"{nameof(CreateNotificationRule)}.{nameof(Command)} {{ Name = {Name}, Channel = {Channel}, Target = {Target}, Stages = [{string.Join(", ", Stages ?? [])}], Oblasts = [{string.Join(", ", Oblasts ?? [])}] }}";
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator(IOptions<NotificationOptions> options)
        {
            var refusePrivate = !options.Value.AllowPrivateWebhookTargets;
            RuleFor(c => c.Name).NotEmpty().WithMessage("Name the rule, e.g. \"Coalition liaison desk\".")
                .MaximumLength(NotificationRuleConfiguration.NameLength)
                .WithMessage($"Keep the name to {NotificationRuleConfiguration.NameLength} characters.");
            // The name is in every log line of its deliveries: a line break inside would forge a line there.
            RuleFor(c => c.Name).Must(n => n is null || !n.Trim().Any(ch => ch is '\r' or '\n'))
                .WithMessage("Keep the name on one line.");

            RuleFor(c => c.Channel)
                .Must(c => ContractText.TryParseName<NotificationChannel>(c, out _))
                .WithMessage(c => $"The channel must be {string.Join(" or ", Enum.GetNames<NotificationChannel>())}{(string.IsNullOrWhiteSpace(c.Channel) ? "." : $"; \"{c.Channel}\" is neither.")}");

            RuleFor(c => c.Target).NotEmpty().WithMessage(c => IsWebhook(c)
                    ? "Give the URL to POST to, e.g. https://hooks.example.org/ceasefirewatch."
                    : "Give the email address to write to.")
                .MaximumLength(NotificationRuleConfiguration.TargetLength)
                .WithMessage($"Keep the target to {NotificationRuleConfiguration.TargetLength} characters.");
            RuleFor(c => c.Target).Must(IsEmailAddress)
                .When(c => IsEmail(c) && !string.IsNullOrWhiteSpace(c.Target))
                .WithMessage(c => Text.Format("\"{0}\" is not an email address (name@example.org).", c.Target));
            RuleFor(c => c.Target).Must(t => !HasInnerWhiteSpace(t))
                .When(c => IsWebhook(c) && !string.IsNullOrWhiteSpace(c.Target))
                .WithMessage(c => Text.Format("\"{0}\" holds a space or a line break; a URL has none (write a space as %20).", c.Target));
            RuleFor(c => c.Target).Must(IsHttpUrl)
                .When(c => IsWebhook(c) && !string.IsNullOrWhiteSpace(c.Target) && !HasInnerWhiteSpace(c.Target))
                .WithMessage(c => Text.Format("\"{0}\" is not an absolute http or https URL (https://hooks.example.org/path).", c.Target));
            RuleFor(c => c.Target).Must(t => !WebhookAddresses.IsRefusedLiteral(t))
                .When(c => IsWebhook(c) && IsHttpUrl(c.Target))
                .WithMessage(c => Text.Format("\"{0}\" is or carries a link-local address (169.254.0.0/16, fe80::/10), where cloud hosts keep their secrets: webhooks never call one.", c.Target));
            RuleFor(c => c.Target).Must(t => !WebhookAddresses.IsRefusedLiteral(t, refusePrivate: true))
                .When(c => refusePrivate && IsWebhook(c) && IsHttpUrl(c.Target) && !WebhookAddresses.IsRefusedLiteral(c.Target))
                .WithMessage(c => Text.Format("\"{0}\" is a loopback, private or otherwise local address: this server is set not to call those (Notifications:AllowPrivateWebhookTargets).", c.Target));

            RuleFor(c => c.Stages)
                .Must(s => s is null || s.All(name => ContractText.TryParseName<Stage>(name, out _)))
                .WithMessage(c => $"Unknown tier {string.Join(", ", c.Stages!.Where(n => !ContractText.TryParseName<Stage>(n, out _)).Select(n => $"\"{n}\""))}: the tiers are {string.Join(", ", Enum.GetNames<Stage>())} (none for all).");
            RuleFor(c => c.Oblasts)
                .Must(o => o is null || o.All(name => Domain.Oblasts.Canonical(name) is not null))
                .WithMessage(c => $"Unknown oblast {string.Join(", ", c.Oblasts!.Where(n => Domain.Oblasts.Canonical(n) is null).Select(n => $"\"{n}\""))} (see the list on the Framework page; none for all).");

            RuleFor(c => c.Secret).NotEmpty()
                .When(IsWebhook)
                .WithMessage($"A webhook needs a secret (at least {MinSecretLength} characters): receivers check each body's signature with it.");
            RuleFor(c => c.Secret)
                .Must(s => s!.Length >= MinSecretLength && s.Length <= NotificationRuleConfiguration.SecretLength)
                .When(c => IsWebhook(c) && !string.IsNullOrEmpty(c.Secret))
                .WithMessage($"The secret must be {MinSecretLength} to {NotificationRuleConfiguration.SecretLength} characters long.");
        }

        private static bool IsEmail(Command c) => ContractText.TryParseName<NotificationChannel>(c.Channel, out var ch) && ch == NotificationChannel.Email;

        private static bool IsWebhook(Command c) => ContractText.TryParseName<NotificationChannel>(c.Channel, out var ch) && ch == NotificationChannel.Webhook;
    }

    /// <summary>One plain address (no display name, no list), as MimeKit reads it.</summary>
    public static bool IsEmailAddress(string? text)
    {
        var trimmed = text?.Trim();
        return !string.IsNullOrEmpty(trimmed)
            && MimeKit.MailboxAddress.TryParse(trimmed, out var mailbox)
            && string.Equals(mailbox.Address, trimmed, StringComparison.OrdinalIgnoreCase)
            && mailbox.Address.IndexOf('@', StringComparison.Ordinal) is > 0 and var at
            && at < mailbox.Address.Length - 1
            && !mailbox.Address.Any(char.IsWhiteSpace);
    }

    /// <summary>
    /// A space, tab or line break inside the text (around it is trimmed). <see cref="Uri"/> takes such a URL and
    /// percent-encodes them, so the rule was stored as typed and its webhook POSTed somewhere else.
    /// </summary>
    public static bool HasInnerWhiteSpace(string? text) => text is not null && text.Trim().Any(char.IsWhiteSpace);

    public static bool IsHttpUrl(string? text) =>
        !HasInnerWhiteSpace(text)
        && Uri.TryCreate(text?.Trim(), UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && !string.IsNullOrEmpty(uri.Host)
        && string.IsNullOrEmpty(uri.UserInfo);

    public sealed class Handler(AppDbContext db, ICurrentActor actor, TimeProvider clock, SecurityLog log) : ICommandHandler<Command, NotificationRuleDto>
    {
        public async ValueTask<NotificationRuleDto> Handle(Command command, CancellationToken cancellationToken)
        {
            // The validator has checked every name.
            var channel = Enum.Parse<NotificationChannel>(command.Channel!.Trim(), ignoreCase: true);
            var stages = (command.Stages ?? [])
                .Select(s => Enum.Parse<Stage>(s.Trim(), ignoreCase: true))
                .Distinct().Order().Select(s => s.ToString());
            var oblasts = (command.Oblasts ?? []).Select(o => Domain.Oblasts.Canonical(o)!).Distinct().Order(StringComparer.Ordinal);
            var rule = new NotificationRule
            {
                Name = command.Name!.Trim(),
                Channel = channel,
                Target = command.Target!.Trim(),
                Stages = NotificationRule.Join(stages),
                Oblasts = NotificationRule.Join(oblasts),
                Secret = channel == NotificationChannel.Webhook ? command.Secret : null,
                CreatedAt = clock.GetUtcNow().UtcDateTime,
                CreatedBy = actor.Name,
            };
            db.Add(rule);
            // A rule sends incident data where its maker chose: the security log keeps who, and where (never the secret).
            log.Add(SecurityEventKind.NotificationRuleCreated, rule.Name, $"{rule.Channel} to {rule.Target}.");
            await db.SaveChangesAsync(cancellationToken);
            return NotificationRuleDto.From(rule);
        }
    }
}

/// <summary>The rules in force, oldest first.</summary>
public static class ListNotificationRules
{
    [RequiresPolicy(Policies.Supervise)]
    public sealed record Query : IQuery<IReadOnlyList<NotificationRuleDto>>;

    public sealed class Handler(AppDbContext db) : IQueryHandler<Query, IReadOnlyList<NotificationRuleDto>>
    {
        public async ValueTask<IReadOnlyList<NotificationRuleDto>> Handle(Query query, CancellationToken cancellationToken)
        {
            var rules = await db.Set<NotificationRule>().AsNoTracking()
                .Where(r => r.DeletedAt == null)
                .OrderBy(r => r.Id)
                .ToListAsync(cancellationToken);
            return [.. rules.Select(NotificationRuleDto.From)];
        }
    }
}

/// <summary>One rule in force, as the list shows it: the address a new rule's 201 points at.</summary>
public static class GetNotificationRule
{
    [RequiresPolicy(Policies.Supervise)]
    public sealed record Query(int Id) : IQuery<NotificationRuleDto>;

    public sealed class Handler(AppDbContext db) : IQueryHandler<Query, NotificationRuleDto>
    {
        public async ValueTask<NotificationRuleDto> Handle(Query query, CancellationToken cancellationToken) =>
            NotificationRuleDto.From(
                await db.Set<NotificationRule>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == query.Id && r.DeletedAt == null, cancellationToken)
                ?? throw new NotFoundException($"There is no notification rule with id {query.Id}."));
    }
}

/// <summary>
/// Stops a rule: nothing new is queued for it, and its deliveries still pending are marked failed rather than sent.
/// Its past deliveries stay in the log under its name.
/// </summary>
public static class DeleteNotificationRule
{
    [RequiresPolicy(Policies.Supervise)]
    public sealed record Command(int Id) : ICommand<string>;

    /// <summary>The last answer of a delivery its rule's deletion stopped while it waited for its next try.</summary>
    public const string NotTriedAgain = "Not tried again: the rule was deleted.";

    public sealed class Handler(AppDbContext db, TimeProvider clock, DatabaseSetup database, SecurityLog log, ILogger<Handler> logger) : ICommandHandler<Command, string>
    {
        public async ValueTask<string> Handle(Command command, CancellationToken cancellationToken)
        {
            var rule = await db.Set<NotificationRule>().FirstOrDefaultAsync(r => r.Id == command.Id && r.DeletedAt == null, cancellationToken)
                ?? throw new NotFoundException($"There is no notification rule with id {command.Id}.");
            rule.DeletedAt = clock.GetUtcNow().UtcDateTime;
            log.Add(SecurityEventKind.NotificationRuleDeleted, rule.Name, $"{rule.Channel} to {rule.Target}, made by {rule.CreatedBy}.");
            await db.SaveChangesAsync(cancellationToken);

            // Its deliveries waiting for their next try are failed now: in their back-off (up to an hour) they showed
            // "Pending" and a next try that would never come. One due now is left to the sender, which is sending it or
            // fails it at its next look (a send under way stops before its next try: WebhookTries), and records its
            // tries. The deletion above stands either way.
            try
            {
                await FailWaitingAsync(rule.Id, rule.DeletedAt.Value, cancellationToken);
            }
            catch (Exception ex) when (StorageFailure.Is(ex))
            {
                LogPendingLeft(logger, rule.Name, ex);
            }

            return rule.Name;
        }

        private async Task FailWaitingAsync(int ruleId, DateTime now, CancellationToken cancellationToken)
        {
            if (database.IsPostgres)
            {
                // A delivery another instance's send holds right now (FOR UPDATE, until its outcome is recorded) is left
                // to that send: waiting for it could outlast the command timeout.
                await db.Database.ExecuteSqlAsync($"""
                    UPDATE "NotificationDeliveries" SET "Status" = 'Failed', "LastAnswer" = {NotTriedAgain}
                    WHERE "Id" IN (
                        SELECT "Id" FROM "NotificationDeliveries"
                        WHERE "RuleId" = {ruleId} AND "Status" = 'Pending' AND "NextAttemptAt" > {now}
                        FOR UPDATE SKIP LOCKED)
                    """, cancellationToken);
                return;
            }

            await db.Set<NotificationDelivery>()
                .Where(d => d.RuleId == ruleId && d.Status == DeliveryStatus.Pending && d.NextAttemptAt > now)
                .ExecuteUpdateAsync(set => set.SetProperty(d => d.Status, DeliveryStatus.Failed).SetProperty(d => d.LastAnswer, NotTriedAgain), cancellationToken);
        }
    }

    private static readonly Action<ILogger, string, Exception?> PendingLeft = LoggerMessage.Define<string>(
        LogLevel.Warning, new EventId(1, "PendingDeliveriesLeft"),
        "Rule {Rule} is deleted; its deliveries waiting for a retry could not be marked failed now (the sender fails them when they fall due)");

    private static void LogPendingLeft(ILogger logger, string rule, Exception exception) => PendingLeft(logger, rule, exception);
}

/// <summary>The delivery log, newest first: each notification's rule, event, incident, tries and last answer.</summary>
public static class ListNotifications
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;
    public const int MaxPage = int.MaxValue / MaxPageSize;

    [RequiresPolicy(Policies.Supervise)]
    public sealed record Query(int? Page = null, int? PageSize = null) : IQuery<PagedResult<DeliveryDto>>;

    public sealed record DeliveryDto(
        Guid Id,
        int RuleId,
        string Rule,
        NotificationChannel Channel,
        string Target,
        TimelineKind Event,
        int IncidentId,
        string Reference,
        DeliveryIncident Incident,
        Stage Stage,
        DeliveryStatus Status,
        int Attempts,
        DateTime CreatedAt,
        DateTime? LastAttemptAt,
        DateTime? NextAttemptAt,
        DateTime? DeliveredAt,
        string? LastAnswer);

    /// <summary>The incident a delivery is about (CONTRACT.md's "incident" of a delivery).</summary>
    public sealed record DeliveryIncident(int Id, string Reference);

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Page).InclusiveBetween(1, MaxPage).WithMessage($"The page number must be from 1 to {MaxPage}.");
            RuleFor(q => q.PageSize).InclusiveBetween(1, MaxPageSize).WithMessage($"The page size must be from 1 to {MaxPageSize}.");
        }
    }

    public sealed class Handler(AppDbContext db) : IQueryHandler<Query, PagedResult<DeliveryDto>>
    {
        public async ValueTask<PagedResult<DeliveryDto>> Handle(Query query, CancellationToken cancellationToken)
        {
            var page = query.Page ?? 1;
            var pageSize = query.PageSize ?? DefaultPageSize;
            var deliveries = db.Set<NotificationDelivery>().AsNoTracking();
            var total = await deliveries.CountAsync(cancellationToken);
            var rows = await deliveries
                .OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id)
                .Skip((page - 1) * pageSize).Take(pageSize)
                .Select(d => new
                {
                    d.Id, d.RuleId, Rule = d.Rule!.Name, d.Rule.Channel, d.Rule.Target, d.Event, d.IncidentId,
                    d.TimelineEntry!.Stage, d.Status, d.Attempts, d.CreatedAt, d.LastAttemptAt, d.NextAttemptAt, d.DeliveredAt, d.LastAnswer,
                })
                .ToListAsync(cancellationToken);
            return new PagedResult<DeliveryDto>(
                [.. rows.Select(d => new DeliveryDto(
                    d.Id, d.RuleId, d.Rule, d.Channel, d.Target, d.Event, d.IncidentId, Domain.Incident.FormatReference(d.IncidentId),
                    new DeliveryIncident(d.IncidentId, Domain.Incident.FormatReference(d.IncidentId)), d.Stage,
                    d.Status, d.Attempts, d.CreatedAt, d.LastAttemptAt,
                    d.Status == DeliveryStatus.Pending ? d.NextAttemptAt : null, d.DeliveredAt, d.LastAnswer))],
                total);
        }
    }
}
