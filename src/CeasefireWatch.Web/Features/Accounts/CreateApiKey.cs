using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Infrastructure;
using CeasefireWatch.Web.Infrastructure.Security;
using FluentValidation;
using FluentValidation.Results;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CeasefireWatch.Web.Features.Accounts;

/// <summary>
/// A named key for a monitoring pipeline, with one role. The secret is returned here, once: only its
/// SHA-256 hash and its first characters are stored, so it can never be shown again.
/// </summary>
public static class CreateApiKey
{
    public const int PrefixLength = 8;

    /// <summary>
    /// The actors the application writes itself: a key's name is the actor of what it does (the timeline, its CSV, the
    /// security log), so a key may not be named as one of them, nor after a person (an email: see the validator).
    /// </summary>
    public static readonly IReadOnlySet<string> ReservedNames = new HashSet<string>(
        [Domain.Incident.EngineActor, Infrastructure.HttpCurrentActor.Anonymous, RecoverAdminPassword.Actor], StringComparer.OrdinalIgnoreCase);

    [RequiresPolicy(Policies.Administer)]
    public sealed record Command(string? Name, string? Role) : ICommand<Created>;

    /// <summary>The new key; <c>Secret</c> is the key itself: give it to the pipeline now, it is not stored.</summary>
    public sealed record Created(int Id, string Name, string Role, string Prefix, string Secret)
    {
        /// <summary>Keeps the secret out of anything that prints the response.</summary>
        public override string ToString() => $"{nameof(CreateApiKey)}.{nameof(Created)} {{ Id = {Id}, Name = {Name}, Role = {Role}, Prefix = {Prefix} }}";
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Name).NotEmpty().WithMessage("Name the key after the pipeline that will use it.")
                .MaximumLength(100).WithMessage("Keep the name to 100 characters.")
                .Must(n => n is null || !n.Contains('@', StringComparison.Ordinal))
                .WithMessage("A key's name cannot hold an @: people sign in with their email, and what the key does is recorded under its name.")
                .Must(n => n is null || !ReservedNames.Contains(n.Trim()))
                .WithMessage("This name is what the application itself records its own actions under. Choose another name.");
            RuleFor(c => c.Role).MustBeRole();
        }
    }

    /// <summary><paramref name="text"/> as a LIKE pattern that matches only itself (escape character: backslash).</summary>
    private static string LikeLiteral(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    public sealed class Handler(AppDbContext db, SecurityLog log, ICurrentActor actor, TimeProvider clock)
        : ICommandHandler<Command, Created>
    {
        public async ValueTask<Created> Handle(Command command, CancellationToken cancellationToken)
        {
            var name = command.Name!.Trim();
            var role = Roles.Canonical(command.Role)!;
            // Names are unique ignoring case: SQLite's NOCASE collation, lower() on PostgreSQL.
            var taken = db.Database.IsSqlite()
                ? db.ApiKeys.AnyAsync(k => EF.Functions.Collate(k.Name, "NOCASE") == name, cancellationToken)
                : db.ApiKeys.AnyAsync(k => EF.Functions.ILike(k.Name, LikeLiteral(name), "\\"), cancellationToken);
            if (await taken)
            {
                throw NameTaken(name);
            }

            var secret = ApiKey.NewSecret();
            var key = new ApiKey
            {
                Name = name,
                Role = role,
                SecretHash = ApiKey.Hash(secret),
                Prefix = secret[..PrefixLength],
                CreatedAt = clock.GetUtcNow().UtcDateTime,
                CreatedBy = actor.Name,
            };
            db.ApiKeys.Add(key);
            log.Add(SecurityEventKind.ApiKeyCreated, name, $"Role {role}.");
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // Another administrator took the name in the meantime (the unique index).
                throw NameTaken(name);
            }

            return new Created(key.Id, name, role, key.Prefix, secret);
        }

        private static ValidationException NameTaken(string name) => new(
        [
            new ValidationFailure(nameof(Command.Name),
                $"A key named \"{name}\" already exists (revoked keys keep their names). Choose another name."),
        ]);
    }
}
