; NSIS installer of the Till register for Windows (packaging/package.sh windows).
; makensis -DVERSION=0.1.0 -DEXE=path\register.exe -DICON=till.ico -DOUTFILE=setup.exe till.nsi
Unicode true
SetCompressor /SOLID lzma
!include "MUI2.nsh"
!include "x64.nsh"

!define APPNAME "Till Register"
!define COMPANY "Till"
!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\TillRegister"

Name "${APPNAME}"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\Till"
InstallDirRegKey HKLM "Software\Till" "InstallDir"
RequestExecutionLevel admin
BrandingText "${APPNAME} ${VERSION}"
VIProductVersion "${VERSION}.0"
VIAddVersionKey "ProductName" "${APPNAME}"
VIAddVersionKey "CompanyName" "${COMPANY}"
VIAddVersionKey "FileDescription" "${APPNAME} installer"
VIAddVersionKey "FileVersion" "${VERSION}"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "LegalCopyright" "2026 Till developers"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_FINISHPAGE_RUN "$INSTDIR\register.exe"
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_LANGUAGE "German"

Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_ICONSTOP "The Till register needs 64-bit Windows."
    Abort
  ${EndIf}
  SetRegView 64
FunctionEnd

Section "Register" SecMain
  SectionIn RO
  SetOutPath "$INSTDIR"
  File "/oname=register.exe" "${EXE}"
  File "/oname=till.ico" "${ICON}"
  ; The register keeps its database under the user's profile (the working
  ; directory the shortcut sets), not under Program Files, which is read-only.
  CreateDirectory "$SMPROGRAMS\Till"
  SetOutPath "$LOCALAPPDATA\Till"
  CreateShortcut "$SMPROGRAMS\Till\${APPNAME}.lnk" "$INSTDIR\register.exe" '-data "$LOCALAPPDATA\Till\register"' "$INSTDIR\till.ico"
  CreateShortcut "$SMPROGRAMS\Till\Uninstall ${APPNAME}.lnk" "$INSTDIR\uninstall.exe"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  WriteRegStr HKLM "Software\Till" "InstallDir" "$INSTDIR"
  WriteRegStr HKLM "${UNINSTKEY}" "DisplayName" "${APPNAME}"
  WriteRegStr HKLM "${UNINSTKEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINSTKEY}" "Publisher" "${COMPANY}"
  WriteRegStr HKLM "${UNINSTKEY}" "DisplayIcon" "$INSTDIR\till.ico"
  WriteRegStr HKLM "${UNINSTKEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINSTKEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegDWORD HKLM "${UNINSTKEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINSTKEY}" "NoRepair" 1
SectionEnd

Function un.onInit
  SetRegView 64
FunctionEnd

; The uninstaller leaves %LOCALAPPDATA%\Till (the sales journal) in place:
; the shop must keep it, and removes it by hand after a backup.
Section "Uninstall"
  Delete "$INSTDIR\register.exe"
  Delete "$INSTDIR\till.ico"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\Till\${APPNAME}.lnk"
  Delete "$SMPROGRAMS\Till\Uninstall ${APPNAME}.lnk"
  RMDir "$SMPROGRAMS\Till"
  DeleteRegKey HKLM "${UNINSTKEY}"
  DeleteRegKey HKLM "Software\Till"
SectionEnd
