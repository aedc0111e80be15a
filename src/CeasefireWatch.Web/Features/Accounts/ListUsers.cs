using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Infrastructure.Security;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CeasefireWatch.Web.Features.Accounts;

/// <summary>Every account with its role and whether it can sign in. No password data leaves the store.</summary>
public static class ListUsers
{
    [RequiresPolicy(Policies.Administer)]
    public sealed record Query : IQuery<IReadOnlyList<UserRow>>;

    /// <summary>One account; <c>LockedOutUntil</c> is set while it is locked after failed sign-ins (not when disabled).</summary>
    public sealed record UserRow(string Id, string Email, string Role, bool Disabled, DateTime? LockedOutUntil);

    public sealed class Handler(AppDbContext db, TimeProvider clock) : IQueryHandler<Query, IReadOnlyList<UserRow>>
    {
        public async ValueTask<IReadOnlyList<UserRow>> Handle(Query query, CancellationToken cancellationToken)
        {
            var users = await db.Users.AsNoTracking()
                .OrderBy(u => u.Email)
                .Select(u => new { u.Id, u.Email, u.UserName, u.LockoutEnd })
                .ToListAsync(cancellationToken);
            var roles = (await (
                    from userRole in db.UserRoles
                    join role in db.Roles on userRole.RoleId equals role.Id
                    select new { userRole.UserId, role.Name })
                .ToListAsync(cancellationToken))
                .ToLookup(r => r.UserId, r => r.Name ?? string.Empty);
            var now = clock.GetUtcNow().UtcDateTime;
            return
            [
                .. users.Select(u => new UserRow(
                    u.Id,
                    u.Email ?? u.UserName ?? string.Empty,
                    UserAccounts.RoleOf(roles[u.Id]),
                    UserAccounts.IsDisabled(u.LockoutEnd),
                    UserAccounts.LockedUntil(u.LockoutEnd, now))),
            ];
        }
    }
}
