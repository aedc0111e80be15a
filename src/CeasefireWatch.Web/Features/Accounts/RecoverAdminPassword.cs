using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Infrastructure.Security;
using FluentValidation;
using FluentValidation.Results;
using Mediator;
using Microsoft.AspNetCore.Identity;

namespace CeasefireWatch.Web.Features.Accounts;

/// <summary>
/// The way back for an administrator who lost the password, run on the server's console
/// (<c>dotnet run --project src/CeasefireWatch.Web -- reset-admin-password --email ...</c>). Whoever can run the app
/// against its database already holds everything, so no role is asked; what keeps it safe is that it only touches an
/// administrator's account, never logs the password, ends that account's open sessions (new security stamp), lifts a
/// lockout or a disabling, and writes the security log.
/// </summary>
public static class RecoverAdminPassword
{
    public const string Actor = "console (reset-admin-password)";

    public sealed record Command(string? Email, string? NewPassword) : ICommand<string>
    {
        /// <summary>Keeps the password out of logs that print the request.</summary>
        public override string ToString() => $"{nameof(RecoverAdminPassword)}.{nameof(Command)} {{ Email = {Email}, NewPassword = *** }}";
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Email).NotEmpty().WithMessage("Give the administrator's email: --email admin@example.org.");
            RuleFor(c => c.NewPassword).NotEmpty().WithMessage("Enter the new password (at least 12 characters).");
        }
    }

    /// <summary>Returns the email of the administrator whose password was set.</summary>
    public sealed class Handler(AppDbContext db, UserManager<AppUser> users, SecurityLog log, TimeProvider clock) : ICommandHandler<Command, string>
    {
        public async ValueTask<string> Handle(Command command, CancellationToken cancellationToken)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var user = await users.FindByEmailAsync(command.Email!.Trim());
            if (user is null || !await users.IsInRoleAsync(user, Roles.Admin))
            {
                // Same answer for "no such account" and "not an administrator": a console user learns nothing extra,
                // and an ordinary account's password is reset by an administrator on the Users page.
                throw new ValidationException([new ValidationFailure(nameof(Command.Email), "No administrator has that email.")]);
            }

            var email = user.Email ?? user.UserName ?? user.Id;
            var token = await users.GeneratePasswordResetTokenAsync(user);
            UserAccounts.ThrowIfFailed(await users.ResetPasswordAsync(user, token, command.NewPassword!), string.Empty, nameof(Command.NewPassword));
            var unlocked = UserAccounts.IsDisabled(user.LockoutEnd) || UserAccounts.LockedUntil(user.LockoutEnd, clock.GetUtcNow().UtcDateTime) is not null;
            if (unlocked)
            {
                UserAccounts.ThrowIfFailed(await users.SetLockoutEndDateAsync(user, null), string.Empty, string.Empty);
                UserAccounts.ThrowIfFailed(await users.ResetAccessFailedCountAsync(user), string.Empty, string.Empty);
            }

            // ResetPasswordAsync has already changed the stamp; doing it again says so here, whatever Identity does later.
            UserAccounts.ThrowIfFailed(await users.UpdateSecurityStampAsync(user), string.Empty, string.Empty);
            log.Add(SecurityEventKind.PasswordReset, email,
                "Password set from the server console (reset-admin-password); open sessions end at once." + (unlocked ? " Lockout lifted." : string.Empty),
                Actor);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return email;
        }
    }
}
