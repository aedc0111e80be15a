using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Infrastructure.Security;
using FluentValidation;
using FluentValidation.Results;
using Mediator;
using Microsoft.AspNetCore.Identity;

namespace CeasefireWatch.Web.Features.Accounts;

/// <summary>
/// Gives a user exactly one role in place of the one they had. The security stamp changes with it, so
/// the user's open sessions end at once and the next sign-in carries the new role. The last
/// enabled administrator keeps the Admin role, so the application never loses its administrators.
/// </summary>
public static class SetUserRole
{
    [RequiresPolicy(Policies.Administer)]
    public sealed record Command(string? UserId, string? Role) : ICommand<Changed>;

    /// <summary>The role held before and the one held now (equal when nothing changed).</summary>
    public sealed record Changed(string Email, string From, string To);

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.UserId).NotEmpty().WithMessage("Say whose role to change.");
            RuleFor(c => c.Role).MustBeRole();
        }
    }

    public sealed class Handler(AppDbContext db, UserManager<AppUser> users, SecurityLog log) : ICommandHandler<Command, Changed>
    {
        public async ValueTask<Changed> Handle(Command command, CancellationToken cancellationToken)
        {
            var role = Roles.Canonical(command.Role)!;

            // SQLite's write lock is taken at BEGIN, so two administrators demoting each other at once
            // cannot both pass the last-administrator check.
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var user = await UserAccounts.FindAsync(users, command.UserId);
            var email = user.Email ?? user.UserName ?? user.Id;
            var held = await users.GetRolesAsync(user);
            var from = UserAccounts.RoleOf(held);
            if (held.Count == 1 && from == role)
            {
                return new Changed(email, from, role);
            }

            if (role != Roles.Admin && await UserAccounts.IsLastEnabledAdminAsync(users, user))
            {
                throw new ValidationException([new ValidationFailure(nameof(Command.Role), UserAccounts.LastAdminMessage)]);
            }

            UserAccounts.ThrowIfFailed(await users.RemoveFromRolesAsync(user, held), string.Empty, string.Empty);
            UserAccounts.ThrowIfFailed(await users.AddToRoleAsync(user, role), string.Empty, string.Empty);

            // Role changes alone leave the stamp as it was; changing it ends the user's sessions at once.
            UserAccounts.ThrowIfFailed(await users.UpdateSecurityStampAsync(user), string.Empty, string.Empty);
            log.Add(SecurityEventKind.RoleChanged, email, $"from {(from.Length == 0 ? "no role" : from)} to {role}");
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new Changed(email, from, role);
        }
    }
}
