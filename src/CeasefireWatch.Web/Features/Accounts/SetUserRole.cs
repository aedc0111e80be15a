using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Infrastructure.Security;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Identity;

namespace CeasefireWatch.Web.Features.Accounts;

/// <summary>Gives a user exactly one role. Identity renews the security stamp, so it applies within a minute.</summary>
public static class SetUserRole
{
    [RequiresPolicy(Policies.Administer)]
    public sealed record Command(string? UserId, string? Role) : ICommand<Unit>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() =>
            RuleFor(c => c.Role).Must(r => Roles.Canonical(r) is not null).WithMessage($"Pick a role: {string.Join(", ", Roles.All)}.");
    }

    public sealed class Handler(UserManager<AppUser> users, SecurityLog log) : ICommandHandler<Command, Unit>
    {
        public async ValueTask<Unit> Handle(Command command, CancellationToken cancellationToken)
        {
            var user = await UserAdministration.FindAsync(users, command.UserId);
            var role = Roles.Canonical(command.Role)!;
            var previous = await UserAdministration.RoleOfAsync(users, user);
            if (previous == role)
            {
                return Unit.Value;
            }

            if (role != Roles.Admin)
            {
                await UserAdministration.EnsureAnotherAdminRemainsAsync(users, user, nameof(Command.Role));
            }

            UserAdministration.ThrowIfFailed(await users.RemoveFromRolesAsync(user, await users.GetRolesAsync(user)), nameof(Command.Role));
            UserAdministration.ThrowIfFailed(await users.AddToRoleAsync(user, role), nameof(Command.Role));
            await log.WriteAsync(SecurityEventKind.RoleChanged, user.Email!, $"From {previous ?? "(none)"} to {role}.");
            return Unit.Value;
        }
    }
}
