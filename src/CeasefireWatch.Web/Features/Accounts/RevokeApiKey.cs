using CeasefireWatch.Web.Domain;
using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Infrastructure.Security;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CeasefireWatch.Web.Features.Accounts;

/// <summary>
/// Revokes an API key: its next call gets a 401, and its open live connections end at once. Revocation is final; the key stays listed with its
/// history. Revoking a revoked key changes nothing and says so.
/// </summary>
public static class RevokeApiKey
{
    [RequiresPolicy(Policies.Administer)]
    public sealed record Command(int Id) : ICommand<Result>;

    /// <summary>The revoked key; <c>AlreadyRevoked</c> when it had been revoked before, at <c>RevokedAt</c>.</summary>
    public sealed record Result(string Name, DateTime RevokedAt, bool AlreadyRevoked);

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Id).GreaterThan(0).WithMessage("Say which key to revoke.");
        }
    }

    public sealed class Handler(AppDbContext db, SecurityLog log, TimeProvider clock, ApiKeyCache cache, LiveConnections liveConnections) : ICommandHandler<Command, Result>
    {
        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == command.Id, cancellationToken)
                ?? throw NotFoundException.ApiKey(command.Id);
            if (key.RevokedAt is { } revokedBefore)
            {
                return new Result(key.Name, revokedBefore, AlreadyRevoked: true);
            }

            key.RevokedAt = clock.GetUtcNow().UtcDateTime;
            log.Add(SecurityEventKind.ApiKeyRevoked, key.Name, $"Role {key.Role}, prefix {key.Prefix}.");
            await db.SaveChangesAsync(cancellationToken);
            cache.Forget(key.Id);
            liveConnections.EndForApiKey(key.Id);
            return new Result(key.Name, key.RevokedAt.Value, AlreadyRevoked: false);
        }
    }
}
