using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Infrastructure.Security;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Identity;

namespace CeasefireWatch.Web.Features.Accounts;

/// <summary>
/// An administrator creates an account with a first password and exactly one role. A weak password or
/// a taken email comes back as a message on that field, and nothing is stored.
/// </summary>
public static class CreateUser
{
    [RequiresPolicy(Policies.Administer)]
    public sealed record Command(string? Email, string? Password, string? Role) : ICommand<Created>
    {
        /// <summary>Keeps the password out of anything that prints the request.</summary>
        public override string ToString() => $"{nameof(CreateUser)}.{nameof(Command)} {{ Email = {Email}, Password = ***, Role = {Role} }}";
    }

    public sealed record Created(string Id, string Email, string Role);

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Email).NotEmpty().WithMessage("Enter the person's email.")
                .EmailAddress().WithMessage("Enter a valid email address.")
                .MaximumLength(256);
            RuleFor(c => c.Password).NotEmpty().WithMessage("Choose a first password (at least 12 characters).");
            RuleFor(c => c.Role).MustBeRole();
        }
    }

    public sealed class Handler(AppDbContext db, UserManager<AppUser> users, SecurityLog log) : ICommandHandler<Command, Created>
    {
        public async ValueTask<Created> Handle(Command command, CancellationToken cancellationToken)
        {
            var email = command.Email!.Trim();
            var role = Roles.Canonical(command.Role)!;

            // The account, its role and the log line are stored together or not at all.
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var user = new AppUser { UserName = email, Email = email, EmailConfirmed = true, LockoutEnabled = true };
            UserAccounts.ThrowIfFailed(await users.CreateAsync(user, command.Password!), nameof(Command.Email), nameof(Command.Password));
            UserAccounts.ThrowIfFailed(await users.AddToRoleAsync(user, role), nameof(Command.Email), nameof(Command.Password));
            log.Add(SecurityEventKind.UserCreated, email, $"Created with the role {role}.");
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new Created(user.Id, email, role);
        }
    }
}
