using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Infrastructure;
using CeasefireWatch.Web.Infrastructure.Security;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CeasefireWatch.Web.Features.Accounts;

/// <summary>The API keys, newest first, without their hashes.</summary>
public static class ListApiKeys
{
    [RequiresPolicy(Policies.Administer)]
    public sealed record Query : IQuery<IReadOnlyList<KeyRow>>;

    public sealed record KeyRow(int Id, string Name, string Role, string Prefix, DateTime CreatedAt, string CreatedBy, DateTime? RevokedAt, DateTime? LastUsedAt);

    public sealed class Handler(AppDbContext db) : IQueryHandler<Query, IReadOnlyList<KeyRow>>
    {
        public async ValueTask<IReadOnlyList<KeyRow>> Handle(Query query, CancellationToken cancellationToken) =>
            await db.ApiKeys.AsNoTracking()
                .OrderBy(k => k.RevokedAt != null).ThenByDescending(k => k.Id)
                .Select(k => new KeyRow(k.Id, k.Name, k.Role, k.Prefix, k.CreatedAt, k.CreatedBy, k.RevokedAt, k.LastUsedAt))
                .ToListAsync(cancellationToken);
    }
}

/// <summary>Creates a named key with a role. The secret is returned once and stored only as its hash.</summary>
public static class CreateApiKey
{
    [RequiresPolicy(Policies.Administer)]
    public sealed record Command(string? Name, string? Role) : ICommand<Created>;

    /// <summary>The only time the secret exists outside the caller's hands.</summary>
    public sealed record Created(int Id, string Name, string Role, string Secret);

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator(AppDbContext db)
        {
            RuleFor(c => c.Name)
                .NotEmpty().WithMessage("Name the key after the system that will use it.")
                .MaximumLength(100)
                .MustAsync(async (name, ct) => !await db.ApiKeys.AnyAsync(k => k.Name == name!.Trim(), ct))
                .WithMessage(c => $"A key named '{c.Name}' exists already.");
            RuleFor(c => c.Role).Must(r => Roles.Canonical(r) is not null).WithMessage($"Pick a role: {string.Join(", ", Roles.All)}.");
        }
    }

    public sealed class Handler(AppDbContext db, TimeProvider clock, ICurrentActor actor, SecurityLog log) : ICommandHandler<Command, Created>
    {
        public async ValueTask<Created> Handle(Command command, CancellationToken cancellationToken)
        {
            var secret = ApiKey.NewSecret();
            var key = new ApiKey
            {
                Name = command.Name!.Trim(),
                Role = Roles.Canonical(command.Role)!,
                SecretHash = ApiKey.Hash(secret),
                Prefix = secret[..8],
                CreatedAt = clock.GetUtcNow().UtcDateTime,
                CreatedBy = actor.Name,
            };
            db.ApiKeys.Add(key);
            log.Add(SecurityEventKind.ApiKeyCreated, key.Name, $"Role {key.Role}, prefix {key.Prefix}.");
            await db.SaveChangesAsync(cancellationToken);
            return new Created(key.Id, key.Name, key.Role, secret);
        }
    }
}

/// <summary>Revokes a key: it authenticates nothing from then on. The record stays, with its last use.</summary>
public static class RevokeApiKey
{
    [RequiresPolicy(Policies.Administer)]
    public sealed record Command(int Id) : ICommand<Unit>;

    public sealed class Handler(AppDbContext db, TimeProvider clock, SecurityLog log) : ICommandHandler<Command, Unit>
    {
        public async ValueTask<Unit> Handle(Command command, CancellationToken cancellationToken)
        {
            var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == command.Id, cancellationToken)
                ?? throw new NotFoundException($"There is no API key {command.Id}.");
            if (key.RevokedAt is not null)
            {
                return Unit.Value;
            }

            key.RevokedAt = clock.GetUtcNow().UtcDateTime;
            log.Add(SecurityEventKind.ApiKeyRevoked, key.Name, $"Role {key.Role}, prefix {key.Prefix}.");
            await db.SaveChangesAsync(cancellationToken);
            return Unit.Value;
        }
    }
}
