using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CeasefireWatch.Web.Data.Migrations
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
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Incidents_ExternalReference",
                table: "Incidents",
                column: "ExternalReference",
                unique: true);
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
