using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Infrastructure.Security;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CeasefireWatch.Web.Features.Accounts;

/// <summary>Every account with its role and whether it can sign in.</summary>
public static class ListUsers
{
    [RequiresPolicy(Policies.Administer)]
    public sealed record Query : IQuery<IReadOnlyList<UserRow>>;

    /// <summary>One account. <c>LockedUntil</c> is set while it is locked out; <see cref="DateTimeOffset.MaxValue"/> means disabled.</summary>
    public sealed record UserRow(string Id, string Email, string Role, DateTimeOffset? LockedUntil)
    {
        public bool Disabled => LockedUntil == DateTimeOffset.MaxValue;
    }

    public sealed class Handler(AppDbContext db, TimeProvider clock) : IQueryHandler<Query, IReadOnlyList<UserRow>>
    {
        public async ValueTask<IReadOnlyList<UserRow>> Handle(Query query, CancellationToken cancellationToken)
        {
            var now = clock.GetUtcNow();
            var users = await db.Users.AsNoTracking()
                .OrderBy(u => u.Email)
                .Select(u => new
                {
                    u.Id,
                    u.Email,
                    u.LockoutEnd,
                    Role = db.UserRoles.Where(ur => ur.UserId == u.Id)
                        .Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => r.Name)
                        .FirstOrDefault(),
                })
                .ToListAsync(cancellationToken);
            return [.. users.Select(u => new UserRow(
                u.Id, u.Email ?? string.Empty, u.Role ?? "(none)", u.LockoutEnd is { } end && end > now ? end : null))];
        }
    }
}
