using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Infrastructure;
using CeasefireWatch.Web.Infrastructure.Security;
using FluentValidation;
using FluentValidation.Results;
using Mediator;
using Microsoft.AspNetCore.Identity;

namespace CeasefireWatch.Web.Features.Accounts;

/// <summary>
/// Disables an account (locked out for ever, its sessions ending at once as the security stamp
/// changes) or enables it again, which also lifts a lockout after failed sign-ins. Nobody disables
/// their own account, and the last enabled administrator stays enabled.
/// </summary>
public static class SetUserDisabled
{
    [RequiresPolicy(Policies.Administer)]
    public sealed record Command(string? UserId, bool Disabled) : ICommand<Result>;

    /// <summary>The account now; <c>Changed</c> is false when it already was as asked (nothing is written then).</summary>
    public sealed record Result(string Email, bool Disabled, bool Changed);

    public const string OwnAccountMessage = "You cannot disable your own account. Ask another administrator.";

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.UserId).NotEmpty().WithMessage("Say whose account to change.");
        }
    }

    public sealed class Handler(AppDbContext db, UserManager<AppUser> users, SecurityLog log, ICurrentActor actor, TimeProvider clock)
        : ICommandHandler<Command, Result>
    {
        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            // The write lock is taken at BEGIN: the last-administrator check and the change are one step.
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var user = await UserAccounts.FindAsync(users, command.UserId);
            var email = user.Email ?? user.UserName ?? user.Id;
            var wasDisabled = UserAccounts.IsDisabled(user.LockoutEnd);
            string details;
            if (command.Disabled)
            {
                if (wasDisabled)
                {
                    return new Result(email, Disabled: true, Changed: false);
                }

                if (string.Equals(actor.Name, user.UserName, StringComparison.OrdinalIgnoreCase))
                {
                    throw new ValidationException([new ValidationFailure(nameof(Command.Disabled), OwnAccountMessage)]);
                }

                if (await UserAccounts.IsLastEnabledAdminAsync(users, user))
                {
                    throw new ValidationException([new ValidationFailure(nameof(Command.Disabled), UserAccounts.LastAdminMessage)]);
                }

                Check(await users.SetLockoutEnabledAsync(user, true));
                Check(await users.SetLockoutEndDateAsync(user, DateTimeOffset.MaxValue));
                Check(await users.UpdateSecurityStampAsync(user));
                details = "Disabled: sign-in refused, open sessions end at once.";
            }
            else
            {
                var lockedUntil = UserAccounts.LockedUntil(user.LockoutEnd, clock.GetUtcNow().UtcDateTime);
                if (!wasDisabled && lockedUntil is null)
                {
                    return new Result(email, Disabled: false, Changed: false);
                }

                Check(await users.SetLockoutEndDateAsync(user, null));
                Check(await users.ResetAccessFailedCountAsync(user));
                details = wasDisabled ? "Enabled again." : $"Unlocked (was locked out until {UtcFormat.Format(lockedUntil!.Value)}).";
            }

            log.Add(command.Disabled ? SecurityEventKind.UserDisabled : SecurityEventKind.UserEnabled, email, details);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new Result(email, command.Disabled, Changed: true);
        }

        private static void Check(IdentityResult result) => UserAccounts.ThrowIfFailed(result, string.Empty, string.Empty);
    }
}
