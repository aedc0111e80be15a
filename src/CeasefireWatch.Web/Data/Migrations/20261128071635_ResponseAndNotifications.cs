using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CeasefireWatch.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class ResponseAndNotifications : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "MergedFrom",
                table: "TimelineEntries",
                type: "TEXT",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "MergedFrom",
                table: "Reports",
                type: "TEXT",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "ClockResumedAt",
                table: "Incidents",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DiplomaticWarningChannel",
                table: "Incidents",
                type: "TEXT",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DiplomaticWarningRecipient",
                table: "Incidents",
                type: "TEXT",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "HeldSince",
                table: "Incidents",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "LargerScaleFlaggedAt",
                table: "Incidents",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "LeadsAcknowledgedAt",
                table: "Incidents",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "MembersNotifiedAt",
                table: "Incidents",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "MergedIntoId",
                table: "Incidents",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "Tier1EnteredAt",
                table: "Incidents",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "Tier2EnteredAt",
                table: "Incidents",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "Tier3EnteredAt",
                table: "Incidents",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "UkrainianForcesResponseAt",
                table: "Incidents",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "UsBackstopActivatedAt",
                table: "Incidents",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Verification",
                table: "Incidents",
                type: "TEXT",
                maxLength: 16,
                nullable: false,
                defaultValue: "Unverified");

            migrationBuilder.AddColumn<bool>(
                name: "Lead",
                table: "CoalitionMembers",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "CoalitionAcknowledgement",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    IncidentId = table.Column<int>(type: "INTEGER", nullable: false),
                    Country = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Note = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    At = table.Column<DateTime>(type: "TEXT", nullable: false),
                    By = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CoalitionAcknowledgement", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CoalitionAcknowledgement_Incidents_IncidentId",
                        column: x => x.IncidentId,
                        principalTable: "Incidents",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "NotificationRules",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Channel = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Target = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    Stages = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Oblasts = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    Secret = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    DeletedAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_NotificationRules", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "NotificationDeliveries",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    RuleId = table.Column<int>(type: "INTEGER", nullable: false),
                    IncidentId = table.Column<int>(type: "INTEGER", nullable: false),
                    TimelineEntryId = table.Column<long>(type: "INTEGER", nullable: false),
                    Event = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    NextAttemptAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    LastAttemptAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastAnswer = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    DeliveredAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_NotificationDeliveries", x => x.Id);
                    table.ForeignKey(
                        name: "FK_NotificationDeliveries_Incidents_IncidentId",
                        column: x => x.IncidentId,
                        principalTable: "Incidents",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_NotificationDeliveries_NotificationRules_RuleId",
                        column: x => x.RuleId,
                        principalTable: "NotificationRules",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_NotificationDeliveries_TimelineEntries_TimelineEntryId",
                        column: x => x.TimelineEntryId,
                        principalTable: "TimelineEntries",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Incidents_MergedIntoId",
                table: "Incidents",
                column: "MergedIntoId");

            migrationBuilder.CreateIndex(
                name: "IX_CoalitionAcknowledgement_IncidentId",
                table: "CoalitionAcknowledgement",
                column: "IncidentId");

            migrationBuilder.CreateIndex(
                name: "IX_NotificationDeliveries_CreatedAt",
                table: "NotificationDeliveries",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_NotificationDeliveries_IncidentId",
                table: "NotificationDeliveries",
                column: "IncidentId");

            migrationBuilder.CreateIndex(
                name: "IX_NotificationDeliveries_RuleId",
                table: "NotificationDeliveries",
                column: "RuleId");

            migrationBuilder.CreateIndex(
                name: "IX_NotificationDeliveries_Status_NextAttemptAt",
                table: "NotificationDeliveries",
                columns: new[] { "Status", "NextAttemptAt" });

            migrationBuilder.CreateIndex(
                name: "IX_NotificationDeliveries_TimelineEntryId_RuleId",
                table: "NotificationDeliveries",
                columns: new[] { "TimelineEntryId", "RuleId" },
                unique: true);

            // Existing data: the leads the source names, and when each incident entered its tiers (for the checklist).
            migrationBuilder.Sql("UPDATE CoalitionMembers SET Lead = 1 WHERE Country IN ('United Kingdom', 'France');");
            foreach (var (column, stage) in new[] { ("Tier1EnteredAt", "UkrainianForces"), ("Tier2EnteredAt", "Coalition"), ("Tier3EnteredAt", "UsBackstop") })
            {
                migrationBuilder.Sql(
                    $"UPDATE Incidents SET {column} = (SELECT MIN(t.At) FROM TimelineEntries t " +
                    $"WHERE t.IncidentId = Incidents.Id AND t.Kind = 'StageEntered' AND t.Stage = '{stage}');");
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CoalitionAcknowledgement");

            migrationBuilder.DropTable(
                name: "NotificationDeliveries");

            migrationBuilder.DropTable(
                name: "NotificationRules");

            migrationBuilder.DropIndex(
                name: "IX_Incidents_MergedIntoId",
                table: "Incidents");

            migrationBuilder.DropColumn(
                name: "MergedFrom",
                table: "TimelineEntries");

            migrationBuilder.DropColumn(
                name: "MergedFrom",
                table: "Reports");

            migrationBuilder.DropColumn(
                name: "ClockResumedAt",
                table: "Incidents");

            migrationBuilder.DropColumn(
                name: "DiplomaticWarningChannel",
                table: "Incidents");

            migrationBuilder.DropColumn(
                name: "DiplomaticWarningRecipient",
                table: "Incidents");

            migrationBuilder.DropColumn(
                name: "HeldSince",
                table: "Incidents");

            migrationBuilder.DropColumn(
                name: "LargerScaleFlaggedAt",
                table: "Incidents");

            migrationBuilder.DropColumn(
                name: "LeadsAcknowledgedAt",
                table: "Incidents");

            migrationBuilder.DropColumn(
                name: "MembersNotifiedAt",
                table: "Incidents");

            migrationBuilder.DropColumn(
                name: "MergedIntoId",
                table: "Incidents");

            migrationBuilder.DropColumn(
                name: "Tier1EnteredAt",
                table: "Incidents");

            migrationBuilder.DropColumn(
                name: "Tier2EnteredAt",
                table: "Incidents");

            migrationBuilder.DropColumn(
                name: "Tier3EnteredAt",
                table: "Incidents");

            migrationBuilder.DropColumn(
                name: "UkrainianForcesResponseAt",
                table: "Incidents");

            migrationBuilder.DropColumn(
                name: "UsBackstopActivatedAt",
                table: "Incidents");

            migrationBuilder.DropColumn(
                name: "Verification",
                table: "Incidents");

            migrationBuilder.DropColumn(
                name: "Lead",
                table: "CoalitionMembers");
        }
    }
}
