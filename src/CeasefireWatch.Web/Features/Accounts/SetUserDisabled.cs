using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Infrastructure;
using CeasefireWatch.Web.Infrastructure.Security;
using FluentValidation;
using FluentValidation.Results;
using Mediator;
using Microsoft.AspNetCore.Identity;

namespace CeasefireWatch.Web.Features.Accounts;

/// <summary>
/// Disables or enables an account. Disabled = locked out for good, with a new security stamp so that open
/// sessions end within a minute; the account and everything it did stay on record.
/// </summary>
public static class SetUserDisabled
{
    [RequiresPolicy(Policies.Administer)]
    public sealed record Command(string? UserId, bool Disabled) : ICommand<Unit>;

    public sealed class Handler(UserManager<AppUser> users, SecurityLog log, ICurrentActor actor) : ICommandHandler<Command, Unit>
    {
        public async ValueTask<Unit> Handle(Command command, CancellationToken cancellationToken)
        {
            var user = await UserAdministration.FindAsync(users, command.UserId);
            if (command.Disabled)
            {
                if (string.Equals(user.UserName, actor.Name, StringComparison.OrdinalIgnoreCase))
                {
                    throw new ValidationException([new ValidationFailure(nameof(Command.Disabled), "You cannot disable your own account.")]);
                }

                await UserAdministration.EnsureAnotherAdminRemainsAsync(users, user, nameof(Command.Disabled));
                UserAdministration.ThrowIfFailed(await users.SetLockoutEnabledAsync(user, true), nameof(Command.Disabled));
                UserAdministration.ThrowIfFailed(await users.SetLockoutEndDateAsync(user, DateTimeOffset.MaxValue), nameof(Command.Disabled));
                UserAdministration.ThrowIfFailed(await users.UpdateSecurityStampAsync(user), nameof(Command.Disabled));
                await log.WriteAsync(SecurityEventKind.UserDisabled, user.Email!);
            }
            else
            {
                UserAdministration.ThrowIfFailed(await users.SetLockoutEndDateAsync(user, null), nameof(Command.Disabled));
                UserAdministration.ThrowIfFailed(await users.ResetAccessFailedCountAsync(user), nameof(Command.Disabled));
                await log.WriteAsync(SecurityEventKind.UserEnabled, user.Email!);
            }

            return Unit.Value;
        }
    }
}
