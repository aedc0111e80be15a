using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CeasefireWatch.Web.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ImportedEventReference : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ExternalReference",
                table: "Incidents",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            // Incidents imported from ACLED before this migration had no reference, and a re-import would add them once
            // more. They are found by what the import made of them: resolved as "Ceased before import", source
            // OpenSource, a title beginning with the event id (three letters and digits, ACLED's event_id_cnty) and
            // " · ". Where an event was imported more than once already, the first incident (the lowest id) gets it.
            migrationBuilder.Sql(
                """
                UPDATE "Incidents" SET "ExternalReference" = 'ACLED:' || upper(split_part("Title", ' · ', 1))
                WHERE "Id" IN (
                    SELECT MIN("Id") FROM "Incidents"
                    WHERE strpos("Title", ' · ') > 0
                      AND split_part("Title", ' · ', 1) ~ '^[A-Za-z]{3}[0-9]{1,55}$'
                      AND "ResolutionReason" = 'Ceased before import'
                      AND "SourceType" = 'OpenSource'
                    GROUP BY upper(split_part("Title", ' · ', 1)));
                """);

            migrationBuilder.CreateIndex(
                name: "IX_Incidents_ExternalReference",
                table: "Incidents",
                column: "ExternalReference",
                unique: true,
                filter: "\"ExternalReference\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Incidents_ExternalReference",
                table: "Incidents");

            migrationBuilder.DropColumn(
                name: "ExternalReference",
                table: "Incidents");
        }
    }
}
