using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Infrastructure.Security;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Identity;

namespace CeasefireWatch.Web.Features.Accounts;

/// <summary>An administrator creates an account with one role.</summary>
public static class CreateUser
{
    [RequiresPolicy(Policies.Administer)]
    public sealed record Command(string? Email, string? Password, string? Role) : ICommand<string>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Email).NotEmpty().WithMessage("Enter the email.").EmailAddress().WithMessage("Enter a valid email address.").MaximumLength(256);
            RuleFor(c => c.Password).NotEmpty().WithMessage("Choose a password.");
            RuleFor(c => c.Role).Must(r => Roles.Canonical(r) is not null).WithMessage($"Pick a role: {string.Join(", ", Roles.All)}.");
        }
    }

    public sealed class Handler(UserManager<AppUser> users, SecurityLog log) : ICommandHandler<Command, string>
    {
        public async ValueTask<string> Handle(Command command, CancellationToken cancellationToken)
        {
            var email = command.Email!.Trim();
            var role = Roles.Canonical(command.Role)!;
            var user = new AppUser { UserName = email, Email = email, EmailConfirmed = true };
            UserAdministration.ThrowIfFailed(await users.CreateAsync(user, command.Password!), nameof(Command.Password));
            UserAdministration.ThrowIfFailed(await users.AddToRoleAsync(user, role), nameof(Command.Role));
            await log.WriteAsync(SecurityEventKind.UserCreated, email, $"Role {role}.");
            return user.Id;
        }
    }
}
