using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Infrastructure.Security;
using FluentValidation;
using FluentValidation.Results;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CeasefireWatch.Web.Features.Coalition;

/// <summary>A roster member as <c>GET /api/coalition</c> and the admin page show it (CONTRACT.md: name, lead, contribution).</summary>
public sealed record RosterMemberDto(string Name, string Iso2, bool Lead, string Contribution);

/// <summary>The Coalition of the Willing roster, leads first.</summary>
public static class ListRoster
{
    public sealed record Query : IQuery<IReadOnlyList<RosterMemberDto>>;

    public sealed class Handler(AppDbContext db) : IQueryHandler<Query, IReadOnlyList<RosterMemberDto>>
    {
        public async ValueTask<IReadOnlyList<RosterMemberDto>> Handle(Query query, CancellationToken cancellationToken) =>
            await db.CoalitionMembers.AsNoTracking().OrderByDescending(m => m.Lead).ThenBy(m => m.Country)
                .Select(m => new RosterMemberDto(m.Country, m.Iso2, m.Lead, m.Contribution)).ToListAsync(cancellationToken);
    }
}

/// <summary>An administrator adds a member to the roster, or changes one (lead flag, stated contribution).</summary>
public static class SaveRosterMember
{
    [RequiresPolicy(Policies.Administer)]
    public sealed record Command(string? Name, string? Iso2, bool Lead, string? Contribution) : ICommand<RosterMemberDto>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Name).NotEmpty().WithMessage("Give the country's name.").MaximumLength(64);
            RuleFor(c => c.Iso2).Matches("^[A-Za-z]{2}$").When(c => !string.IsNullOrEmpty(c.Iso2))
                .WithMessage("The ISO code is two letters, such as FR.");
            RuleFor(c => c.Contribution).MaximumLength(1000);
        }
    }

    public sealed class Handler(AppDbContext db, SecurityLog log) : ICommandHandler<Command, RosterMemberDto>
    {
        public async ValueTask<RosterMemberDto> Handle(Command command, CancellationToken cancellationToken)
        {
            var name = command.Name!.Trim();
            // The roster is a few dozen rows: matched in memory, case aside, so "france" changes France.
            var member = (await db.CoalitionMembers.ToListAsync(cancellationToken))
                .FirstOrDefault(m => string.Equals(m.Country, name, StringComparison.OrdinalIgnoreCase));
            if (member is null)
            {
                member = new CoalitionMember { Country = name };
                db.CoalitionMembers.Add(member);
            }

            member.Iso2 = command.Iso2?.Trim().ToUpperInvariant() ?? member.Iso2;
            member.Lead = command.Lead;
            member.Contribution = command.Contribution?.Trim() ?? string.Empty;
            log.Add(SecurityEventKind.RosterChanged, member.Country, $"Roster: {member.Country} saved{(member.Lead ? " as a lead" : string.Empty)}.");
            await db.SaveChangesAsync(cancellationToken);
            return new RosterMemberDto(member.Country, member.Iso2, member.Lead, member.Contribution);
        }
    }
}

/// <summary>An administrator removes a member from the roster; answers already recorded on incidents stay in their history.</summary>
public static class RemoveRosterMember
{
    [RequiresPolicy(Policies.Administer)]
    public sealed record Command(string? Name) : ICommand<Unit>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() => RuleFor(c => c.Name).NotEmpty().WithMessage("Say which member to remove.");
    }

    public sealed class Handler(AppDbContext db, SecurityLog log) : ICommandHandler<Command, Unit>
    {
        public async ValueTask<Unit> Handle(Command command, CancellationToken cancellationToken)
        {
            var name = command.Name!.Trim();
            var member = await db.CoalitionMembers.FirstOrDefaultAsync(m => m.Country == name, cancellationToken)
                ?? throw new ValidationException([new ValidationFailure(nameof(Command.Name), $"'{name}' is not on the roster.")]);
            db.CoalitionMembers.Remove(member);
            log.Add(SecurityEventKind.RosterChanged, member.Country, $"Roster: {member.Country} removed.");
            await db.SaveChangesAsync(cancellationToken);
            return Unit.Value;
        }
    }
}
