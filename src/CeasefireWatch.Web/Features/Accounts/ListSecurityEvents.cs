using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Features.Incidents;
using CeasefireWatch.Web.Infrastructure.Security;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CeasefireWatch.Web.Features.Accounts;

/// <summary>The security log, newest first, fifty lines a page.</summary>
public static class ListSecurityEvents
{
    public const int PageSize = 50;

    [RequiresPolicy(Policies.Administer)]
    public sealed record Query(int? Page = null) : IQuery<PagedResult<EventRow>>;

    public sealed record EventRow(
        long Id, DateTime At, SecurityEventKind Kind, string Subject, string Actor, string SourceAddress, string Details);

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Page).GreaterThanOrEqualTo(1).WithMessage("'page' starts at 1.");
        }
    }

    public sealed class Handler(AppDbContext db) : IQueryHandler<Query, PagedResult<EventRow>>
    {
        public async ValueTask<PagedResult<EventRow>> Handle(Query query, CancellationToken cancellationToken)
        {
            var page = query.Page ?? 1;
            var total = await db.SecurityEvents.CountAsync(cancellationToken);
            var items = await db.SecurityEvents.AsNoTracking()
                .OrderByDescending(e => e.At).ThenByDescending(e => e.Id)
                .Skip((page - 1) * PageSize).Take(PageSize)
                .Select(e => new EventRow(e.Id, e.At, e.Kind, e.Subject, e.Actor, e.SourceAddress, e.Details))
                .ToListAsync(cancellationToken);
            return new PagedResult<EventRow>(items, total);
        }
    }

    /// <summary>How a kind of event reads to a person; the kind's name stays in the markup for tools.</summary>
    public static string Label(this SecurityEventKind kind) => kind switch
    {
        SecurityEventKind.SignedIn => "Signed in",
        SecurityEventKind.SignInFailed => "Sign-in failed",
        SecurityEventKind.LockedOut => "Locked out",
        SecurityEventKind.SignedOut => "Signed out",
        SecurityEventKind.SetupCompleted => "Setup completed",
        SecurityEventKind.UserCreated => "User created",
        SecurityEventKind.RoleChanged => "Role changed",
        SecurityEventKind.UserDisabled => "User disabled",
        SecurityEventKind.UserEnabled => "User enabled",
        SecurityEventKind.PasswordReset => "Password reset",
        SecurityEventKind.ApiKeyCreated => "API key created",
        SecurityEventKind.ApiKeyRevoked => "API key revoked",
        SecurityEventKind.ApiKeyRejected => "Unknown API key refused",
        SecurityEventKind.CredentialGuessingThrottled => "Address throttled (too many failures)",
        SecurityEventKind.RosterChanged => "Coalition roster changed",
        SecurityEventKind.NotificationRuleCreated => "Notification rule created",
        SecurityEventKind.NotificationRuleDeleted => "Notification rule deleted",
        _ => kind.ToString(),
    };
}
