using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Infrastructure.Security;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Identity;

namespace CeasefireWatch.Web.Features.Accounts;

/// <summary>
/// Cookie sign-in. Every failure reads the same, whether the email is unknown, the password wrong or
/// the account locked or disabled, so the page tells nobody which accounts exist. Five failures lock
/// the account for fifteen minutes.
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

    public sealed class Handler(SignInManager<AppUser> signIn, SecurityLog log) : ICommandHandler<Command, bool>
    {
        public async ValueTask<bool> Handle(Command command, CancellationToken cancellationToken)
        {
            var email = command.Email!.Trim();
            var result = await signIn.PasswordSignInAsync(email, command.Password!, isPersistent: false, lockoutOnFailure: true);
            if (result.Succeeded)
            {
                await log.WriteAsync(SecurityEventKind.SignedIn, email, actorName: email);
                return true;
            }

            var kind = result.IsLockedOut ? SecurityEventKind.LockedOut : SecurityEventKind.SignInFailed;
            var why = result.IsLockedOut ? "Account locked or disabled." : result.IsNotAllowed ? "Sign-in not allowed." : "Wrong email or password.";
            await log.WriteAsync(kind, email, why, actorName: "anonymous");
            return false;
        }
    }
}

/// <summary>Signs the current user out.</summary>
public static class SignOut
{
    public sealed record Command : ICommand<Unit>;

    public sealed class Handler(SignInManager<AppUser> signIn, SecurityLog log, Infrastructure.ICurrentActor actor) : ICommandHandler<Command, Unit>
    {
        public async ValueTask<Unit> Handle(Command command, CancellationToken cancellationToken)
        {
            var name = actor.Name;
            await signIn.SignOutAsync();
            await log.WriteAsync(SecurityEventKind.SignedOut, name, actorName: name);
            return Unit.Value;
        }
    }
}
