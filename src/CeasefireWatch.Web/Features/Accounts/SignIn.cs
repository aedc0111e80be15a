using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Infrastructure.Security;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Identity;

namespace CeasefireWatch.Web.Features.Accounts;

/// <summary>
/// Cookie sign-in. Every failure reads the same, whether the email is unknown, the password wrong or
/// the account locked or disabled, and costs the same (one password hash either way), so neither the page
/// nor its timing tells anybody which accounts exist. Five failures lock the account for fifteen minutes;
/// failures from one address beyond <see cref="CredentialGuessingOptions.FailureLimit"/> a window are refused (429).
/// </summary>
public static class SignInWithPassword
{
    public const string Failure =
        "Sign-in failed. Check the email and password. After 5 failed attempts an account is locked for 15 minutes.";

    public sealed record Command(string? Email, string? Password) : ICommand<bool>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Email).NotEmpty().WithMessage("Enter your email.");
            RuleFor(c => c.Password).NotEmpty().WithMessage("Enter your password.");
        }
    }

    public sealed class Handler(
        SignInManager<AppUser> signIn, UnknownAccountTimingShield timing, CredentialGuessingGuard guessing, IHttpContextAccessor http, SecurityLog log)
        : ICommandHandler<Command, bool>
    {
        public async ValueTask<bool> Handle(Command command, CancellationToken cancellationToken)
        {
            var email = command.Email!.Trim();
            var user = await signIn.UserManager.FindByNameAsync(email);
            var wasLocked = user is not null && await signIn.UserManager.IsLockedOutAsync(user);
            var result = user is null ? SignInResult.Failed : await signIn.PasswordSignInAsync(user, command.Password!, isPersistent: false, lockoutOnFailure: true);
            if (result.Succeeded)
            {
                await log.WriteAsync(SecurityEventKind.SignedIn, email, actorName: email);
                return true;
            }

            // Identity checked no password for an unknown, locked or disabled account: spend what a check costs.
            if (user is null || wasLocked || result.IsNotAllowed)
            {
                timing.SpendAsMuchAsARealCheck(command.Password!);
            }

            var kind = result.IsLockedOut ? SecurityEventKind.LockedOut : SecurityEventKind.SignInFailed;
            var why = result.IsLockedOut ? "Account locked or disabled." : result.IsNotAllowed ? "Sign-in not allowed." : "Wrong email or password.";
            var address = http.HttpContext is { } context ? CredentialGuessingGuard.AddressOf(context) : "local";
            if (guessing.RecordFailure(address))
            {
                log.Add(SecurityEventKind.CredentialGuessingThrottled, address, "Failed sign-ins and API keys from this address reached the limit; further attempts get 429 until the window ends.", "anonymous");
            }

            await log.WriteAsync(kind, email, why, actorName: "anonymous");
            return false;
        }
    }
}

/// <summary>
/// Signs the current user out everywhere: the account's security stamp changes, so this cookie and any copy
/// of it (or a session on another device) is refused from the next request on, not merely deleted here.
/// </summary>
public static class SignOut
{
    public sealed record Command : ICommand<Unit>;

    public sealed class Handler(SignInManager<AppUser> signIn, SecurityLog log, Infrastructure.ICurrentActor actor) : ICommandHandler<Command, Unit>
    {
        public async ValueTask<Unit> Handle(Command command, CancellationToken cancellationToken)
        {
            var name = actor.Name;
            if (await signIn.UserManager.GetUserAsync(signIn.Context.User) is { } user)
            {
                await signIn.UserManager.UpdateSecurityStampAsync(user);
            }

            await signIn.SignOutAsync();
            await log.WriteAsync(SecurityEventKind.SignedOut, name, actorName: name);
            return Unit.Value;
        }
    }
}
