using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Infrastructure.Security;
using FluentValidation;
using FluentValidation.Results;
using Mediator;
using Microsoft.AspNetCore.Identity;

namespace CeasefireWatch.Web.Features.Accounts;

/// <summary>
/// The one-time setup: while no user exists, the first visitor creates the first administrator and is
/// signed in. Once any user exists this refuses, and the page is gone.
/// </summary>
public static class CompleteSetup
{
    public sealed record Command(string? Email, string? Password, string? ConfirmPassword) : ICommand<bool>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Email).NotEmpty().WithMessage("Enter the administrator's email.")
                .EmailAddress().WithMessage("Enter a valid email address.").MaximumLength(256);
            RuleFor(c => c.Password).NotEmpty().WithMessage("Choose a password.");
            RuleFor(c => c.ConfirmPassword).Equal(c => c.Password).WithMessage("The two passwords differ.");
        }
    }

    public sealed class Handler(
        AppDbContext db, SetupGate gate, UserManager<AppUser> users, SignInManager<AppUser> signIn, SecurityLog log)
        : ICommandHandler<Command, bool>
    {
        public async ValueTask<bool> Handle(Command command, CancellationToken cancellationToken)
        {
            var email = command.Email!.Trim();
            return await gate.TryCloseAsync(db, async () =>
            {
                var user = new AppUser { UserName = email, Email = email, EmailConfirmed = true };
                var created = await users.CreateAsync(user, command.Password!);
                if (!created.Succeeded)
                {
                    throw new ValidationException(created.Errors.Select(e => new ValidationFailure(nameof(Command.Password), e.Description)));
                }

                await users.AddToRoleAsync(user, Roles.Admin);
                await log.WriteAsync(SecurityEventKind.SetupCompleted, email, "First administrator created on the setup page.", email);
                await signIn.SignInAsync(user, isPersistent: false);
                return true;
            }, cancellationToken);
        }
    }
}
