using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Infrastructure.Security;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Identity;

namespace CeasefireWatch.Web.Features.Accounts;

/// <summary>An administrator sets a new password for a user (who should change it; the password is never logged).</summary>
public static class ResetPassword
{
    [RequiresPolicy(Policies.Administer)]
    public sealed record Command(string? UserId, string? NewPassword) : ICommand<Unit>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() => RuleFor(c => c.NewPassword).NotEmpty().WithMessage("Enter the new password.");
    }

    public sealed class Handler(UserManager<AppUser> users, SecurityLog log) : ICommandHandler<Command, Unit>
    {
        public async ValueTask<Unit> Handle(Command command, CancellationToken cancellationToken)
        {
            var user = await UserAdministration.FindAsync(users, command.UserId);
            var token = await users.GeneratePasswordResetTokenAsync(user);
            UserAdministration.ThrowIfFailed(await users.ResetPasswordAsync(user, token, command.NewPassword!), nameof(Command.NewPassword));
            await log.WriteAsync(SecurityEventKind.PasswordReset, user.Email!);
            return Unit.Value;
        }
    }
}
