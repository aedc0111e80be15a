using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Infrastructure.Security;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Identity;

namespace CeasefireWatch.Web.Features.Accounts;

/// <summary>
/// An administrator sets a new password for a user (who forgot theirs). The old password stops working
/// and, as the security stamp changes, the user's open sessions end at once. The password is
/// never logged.
/// </summary>
public static class ResetPassword
{
    [RequiresPolicy(Policies.Administer)]
    public sealed record Command(string? UserId, string? NewPassword) : ICommand<string>
    {
        /// <summary>Keeps the password out of logs that print the request.</summary>
        public override string ToString() => $"{nameof(ResetPassword)}.{nameof(Command)} {{ UserId = {UserId}, NewPassword = *** }}";
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.UserId).NotEmpty().WithMessage("Say whose password to reset.");
            RuleFor(c => c.NewPassword).NotEmpty().WithMessage("Enter the new password (at least 12 characters).");
        }
    }

    /// <summary>Returns the email of the account whose password was reset.</summary>
    public sealed class Handler(AppDbContext db, UserManager<AppUser> users, SecurityLog log) : ICommandHandler<Command, string>
    {
        public async ValueTask<string> Handle(Command command, CancellationToken cancellationToken)
        {
            var user = await UserAccounts.FindAsync(users, command.UserId);
            var email = user.Email ?? user.UserName ?? user.Id;
            var token = await users.GeneratePasswordResetTokenAsync(user);
            UserAccounts.ThrowIfFailed(
                await users.ResetPasswordAsync(user, token, command.NewPassword!), string.Empty, nameof(Command.NewPassword));
            log.Add(SecurityEventKind.PasswordReset, email, "Password set by an administrator; open sessions end at once.");
            await db.SaveChangesAsync(cancellationToken);
            return email;
        }
    }
}
